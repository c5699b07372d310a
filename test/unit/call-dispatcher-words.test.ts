import { describe, expect, it } from 'vitest';
import type { AdminCalls } from '../../common/api';
import { createCallDispatcher } from '../../electron/core/call-dispatcher';

describe('a refused request', () => {
  it('names the field as the forms do, never an internal path such as (0.username)', async () => {
    // Refused before any method is called, so no service is needed.
    const dispatch = createCallDispatcher({} as AdminCalls);
    const reply = await dispatch('createInvites', [{ serverId: 's1', kind: 'reset', username: 'no spaces please' }]);
    const message = 'error' in reply ? reply.error.message : '';
    expect(message).toBe('The account name is not valid: an account name without @, / or spaces.');
    expect(message).not.toMatch(/\(\d+\./);
  });

  it("says what is wrong in words, never in zod's: a name too long, a count too high, a kind that is not one", async () => {
    const dispatch = createCallDispatcher({} as AdminCalls);
    const say = async (args: unknown): Promise<string> => {
      const reply = await dispatch('createInvites', [args]);
      return 'error' in reply ? reply.error.message : '';
    };
    expect(await say({ serverId: 's1', kind: 'account', username: 'x'.repeat(1024) })).toBe('The account name is not valid: it may have at most 1,023 characters.');
    expect(await say({ serverId: 's1', kind: 'account', count: 501 })).toBe('The number of invites is not valid: it may be at most 500.');
    expect(await say({ serverId: 's1', kind: 'party' })).toBe('The kind of invite is not valid: it is not one of the choices.');
    expect(await say({ serverId: 's1', kind: 'account', count: 'x' })).toBe('The number of invites is not valid: it is not a whole number.');
    for (const message of [await say({ serverId: 's1', kind: 'account', note: 'n'.repeat(501) }), await say({ serverId: 's1' })]) {
      expect(message).not.toMatch(/Too big|Too small|expected|Invalid/);
    }
  });
});
