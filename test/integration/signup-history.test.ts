import { describe, expect, it } from 'vitest';
import { prosodyFixture } from '../helpers/fixtures';
import { seedHistory } from '../helpers/invite-desk-protocol';
import { WITH_INVITE_DESK } from '../helpers/prosody';
import { signUp } from '../helpers/raw-register';
import { expectAdminError, profileFor, withTestService } from '../helpers/session';

/** The growth picture's source: mod_invite_desk's history of sign-ups, read over the session. */

const admin = { username: 'admin', password: 'admin-password' };

describe('the history of sign-ups', () => {
  const module = prosodyFixture({ domain: 'growth.test', admins: [admin], ...WITH_INVITE_DESK });
  const stock = prosodyFixture({ domain: 'growth-stock.test', admins: [admin] });

  it("returns every kept sign-up of the period, with who invited it, from the module's history", async () => {
    await seedHistory(module(), 300);
    await withTestService(async (t) => {
      const profile = profileFor(module(), admin);
      await t.service.connect({ profile, password: admin.password });
      const [invite] = await t.service.createInvites({ serverId: profile.id, kind: 'account' });
      expect(await signUp(module(), 'grown', invite?.token)).toEqual({ ok: true });

      const history = await t.service.signupHistory({ serverId: profile.id, days: 30 });
      expect(history).toHaveLength(301);
      expect(history.filter((point) => point.inviter === `admin@${module().domain}`)).toHaveLength(1);
      for (const point of history) expect(Date.now() - Date.parse(point.time)).toBeLessThan(30 * 86_400_000);
    });
  });

  it('says the module is needed on stock Prosody', async () => {
    await withTestService(async (t) => {
      const profile = profileFor(stock(), admin);
      await t.service.connect({ profile, password: admin.password });
      expect((await expectAdminError(t.service.signupHistory({ serverId: profile.id, days: 30 }))).code).toBe('feature-missing');
    });
  });
});
