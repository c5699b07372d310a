import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { SetupGuide } from '../../common/setup-guide';
import { prosodyFixture } from '../helpers/fixtures';
import { prosodyFlavour, STOCK_MODULES, type Account } from '../helpers/prosody';
import { expectAdminError, profileFor, withTestService } from '../helpers/session';

/**
 * An account that is not an admin is refused with the steps that make it one
 * on the server's own Prosody version; on 13 the app's command is run as given
 * and the same account then connects, with no restart.
 */

const exec = promisify(execFile);
const flavour = prosodyFlavour();
const admin: Account = { username: 'admin', password: 'admin-password' };
const member: Account = { username: 'member', password: 'member-password' };

describe(`making an account an admin, on Prosody ${flavour.version}`, () => {
  const server = prosodyFixture({ domain: 'rights.test', admins: [admin], users: [member], modules: [...STOCK_MODULES, 'admin_shell'] });

  it('refuses a member with the steps for this version, and the steps work', async () => {
    await withTestService(async (t) => {
      const profile = profileFor(server(), member);
      const refusal = await expectAdminError(t.service.connect({ profile, password: member.password }));
      expect(refusal.code).toBe('not-admin');
      const guide = refusal.detail as SetupGuide;
      expect(guide.series).toBe(flavour.version);
      if (flavour.version === '0.12') {
        expect(guide.steps.map((s) => s.code)).toEqual(['admins = { "member@rights.test" }', 'sudo prosodyctl restart']);
        expect(refusal.message).toContain('admins = { "member@rights.test" }');
        // 0.12 reads the admins list only at start-up, the way every other test's admin is made.
        return;
      }
      const [command] = guide.steps.map((s) => s.code);
      expect(command).toBe('sudo prosodyctl shell user set_role member@rights.test prosody:admin');
      expect(refusal.message).toContain(command);
      const args = (command ?? '').replace(/^sudo prosodyctl /, '').split(' ');
      await exec(flavour.prosodyctl, ['--config', server().configPath, ...args], { timeout: 60_000 });
      const info = await t.service.connect({ profile, password: member.password });
      expect(info.capabilities.find((c) => c.id === 'account-invites')?.state).toBe('available');
    });
  });
});
