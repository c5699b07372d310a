import { describe, expect, it } from 'vitest';
import { prosodyFixture } from '../helpers/fixtures';
import { WITH_INVITE_DESK } from '../helpers/prosody';
import { profileFor, withTestService } from '../helpers/session';

/** The app's ledger requests reach mod_invite_desk whole: kind, creator, order and paging are the server's to apply. */

const admin = { username: 'admin', password: 'admin-password' };
const member = { username: 'member', password: 'member-password' };

describe('the app with mod_invite_desk: a ledger filtered and sorted on the server', () => {
  const fixture = prosodyFixture({ domain: 'ledger-app.test', admins: [admin], users: [member], ...WITH_INVITE_DESK });

  it('passes kind, creator, order, offset and limit to the module', async () => {
    const server = fixture();
    await withTestService(async (t) => {
      const profile = profileFor(server, admin);
      await t.service.connect({ profile, password: admin.password });
      const serverId = profile.id;
      const [soon] = await t.service.createInvites({ serverId, kind: 'account', note: 'shelf', expiresInSeconds: 600 });
      const [later] = await t.service.createInvites({ serverId, kind: 'account', note: 'shelf', expiresInSeconds: 6000 });
      const [contact] = await t.service.createInvites({ serverId, kind: 'contact', note: 'shelf', username: member.username });
      await server.createInviteWithCli();

      const ids = async (request: Omit<Parameters<typeof t.service.listInvites>[0], 'serverId'>): Promise<string[]> =>
        (await t.service.listInvites({ serverId, query: 'shelf', ...request })).invites.map((i) => i.id);
      expect(await ids({ sort: 'expires' })).toEqual([soon?.id, later?.id, contact?.id]);
      expect(await ids({ kind: 'contact' })).toEqual([contact?.id]);
      expect(await t.service.listInvites({ serverId, query: 'shelf', sort: 'expires', offset: 1, limit: 1 })).toMatchObject({ total: 3, invites: [{ id: later?.id }] });
      const made = await t.service.listInvites({ serverId, createdBy: 'prosodyctl' });
      expect(made.total).toBe(1);
      expect(made.invites[0]?.source).toBe('prosodyctl');
    });
  });
});
