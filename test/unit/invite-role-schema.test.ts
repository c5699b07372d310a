import { describe, expect, it } from 'vitest';
import { callArgumentSchemas } from '../../common/schemas';

const request = (role: string): unknown => [{ serverId: 's', kind: 'account', role }];

describe('the role of a new invite, as the hosts accept it', () => {
  it("takes Prosody's roles and the custom roles of Prosody 13, named freely", () => {
    for (const role of ['prosody:member', 'prosody:admin', 'community:helper', 'moderator', 'team.lead-2']) {
      expect(callArgumentSchemas.createInvites.safeParse(request(role)).success, role).toBe(true);
    }
  });

  it('refuses what cannot be a role name', () => {
    for (const role of ['', 'two words', 'role"><x', 'a'.repeat(101)]) {
      expect(callArgumentSchemas.createInvites.safeParse(request(role)).success, role).toBe(false);
    }
  });
});
