import { describe, expect, it } from 'vitest';
import { prosodyFixture } from '../helpers/fixtures';
import { PROJECT_PLUGIN_PATH, STOCK_MODULES, type ProsodyServer } from '../helpers/prosody';
import { registerAccount } from '../helpers/raw-register';
import { eventually, profileFor, withTestService } from '../helpers/session';

/**
 * When the app comes back after more sign-ups than the module's history
 * keeps, its cursor has left the history: the module says so, and the app
 * tells the admin instead of showing a catch-up that looks whole.
 */

const admin = { username: 'admin', password: 'admin-password' };

const signUp = (server: ProsodyServer, username: string) => registerAccount({ port: server.c2sPort, domain: server.domain, username, password: `${username}-pw` });

describe('the app with mod_invite_desk: a catch-up past the history', () => {
  const fixture = prosodyFixture({
    domain: 'gap.test',
    admins: [admin],
    modules: [...STOCK_MODULES, 'invite_desk'],
    pluginPaths: [PROJECT_PLUGIN_PATH],
    extraConfig: 'invite_desk_history_size = 5',
  });

  it('says that sign-ups were lost when the cursor is no longer in the history, and not otherwise', async () => {
    const server = fixture();
    await withTestService(async (t) => {
      const profile = profileFor(server, admin);
      await t.service.connect({ profile, password: admin.password });
      await t.service.setPolicy({ serverId: profile.id, policy: 'open' });
      expect(await signUp(server, 'seen')).toEqual({ ok: true });
      await eventually(() => t.registrations.find((r) => r.username === 'seen'), 'the live sign-up');
      await t.service.disconnect(profile.id);
      expect(t.statuses.filter((s) => s.state === 'online')).toEqual([{ serverId: profile.id, state: 'online' }]);

      // One more than the history keeps: the event the app saw last is trimmed away.
      for (let i = 1; i <= 6; i++) expect(await signUp(server, `away${i}`)).toEqual({ ok: true });
      await t.service.connect({ profile });
      const online = t.statuses.filter((s) => s.state === 'online');
      expect(online).toHaveLength(2);
      expect(online[1]?.reason).toMatch(/no longer in the server's history/);
      const caughtUp = t.registrations.filter((r) => r.catchUp).map((r) => r.username);
      expect(caughtUp).toEqual(['away2', 'away3', 'away4', 'away5', 'away6']);

      // Caught up from a cursor the history holds: nothing was lost, nothing is said.
      await t.service.disconnect(profile.id);
      expect(await signUp(server, 'later')).toEqual({ ok: true });
      await t.service.connect({ profile });
      expect(t.statuses.filter((s) => s.state === 'online').at(-1)).toEqual({ serverId: profile.id, state: 'online' });
      await eventually(() => t.registrations.find((r) => r.username === 'later'), 'the sign-up missed while away');
    });
  });
});
