import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prosodyFixture } from '../helpers/fixtures';
import { prosodyFlavour, STOCK_MODULES, WITH_INVITE_DESK } from '../helpers/prosody';
import { serverWideOnboardingGuide } from '../../common/onboarding';
import xml from '@xmpp/xml';
import { signUp } from '../helpers/raw-register';
import { signIn, type Session } from '../helpers/invite-desk-protocol';
import { createClubRooms, createRoom, destroyRoom, joinRoom } from '../helpers/rooms';
import { eventually, expectAdminError, profileFor, withTestService, type TestService } from '../helpers/session';

/**
 * Onboarding through the app's AdminService against a real Prosody: rooms
 * found through service discovery, the server's defaults, and what each new
 * member got, read from the sign-up events and the ledger.
 */

const admin = { username: 'admin', password: 'admin-password' };
const moderator = { username: 'moderator', password: 'moderator-password' };


describe('the app: rooms, contacts and a welcome for new members', () => {
  const prosody = prosodyFixture({ domain: 'desk-club.test', admins: [admin], users: [moderator], rooms: true, ...WITH_INVITE_DESK });
  let rooms = { general: '', chess: '' };
  let owner: Session | undefined;
  beforeAll(async () => {
    owner = await signIn(prosody(), admin, 'rooms');
    rooms = await createClubRooms(owner, prosody().conference ?? '');
    // The owner stays in General, so it counts one occupant.
    await joinRoom(owner, rooms.general, 'host');
  });
  afterAll(async () => {
    await owner?.stop();
  });

  async function connected(t: TestService): Promise<string> {
    const profile = profileFor(prosody(), admin);
    await t.service.connect({ profile, password: admin.password });
    return profile.id;
  }

  it('lists the rooms of the server’s own chat service, with their names, who may enter and how many are in', async () => {
    await withTestService(async (t) => {
      const serverId = await connected(t);
      const listed = [
        { jid: rooms.chess, name: 'Chess', membersOnly: true, occupants: 0 },
        { jid: rooms.general, name: 'General', membersOnly: false, occupants: 1 },
      ];
      expect(await t.service.listRooms({ serverId })).toEqual(listed);
      // A hidden room is found when asked for by name; one that does not exist is not.
      const secret = `secret@${prosody().conference}`;
      await createRoom(owner as Session, secret, { name: 'Secret', membersOnly: true, hidden: true });
      expect(await t.service.listRooms({ serverId })).toEqual(listed);
      expect(await t.service.listRooms({ serverId, include: [secret, `nowhere@${prosody().conference}`, 'lobby@conference.elsewhere.test'] })).toEqual([
        ...listed,
        { jid: secret, name: 'Secret', membersOnly: true, occupants: 0 },
      ]);
    });
  });

  it('keeps the server’s defaults as the admin wrote them, blank lines and all', async () => {
    await withTestService(async (t) => {
      const serverId = await connected(t);
      const domain = prosody().domain;
      expect(await t.service.getOnboardingDefaults(serverId)).toEqual({ serverId, community: domain, rooms: [], contacts: [], welcome: '' });
      const defaults = {
        serverId,
        community: 'Desk Club',
        rooms: [rooms.general],
        contacts: [`moderator@${domain}`],
        welcome: 'Hello {name}!\n\nRead the rules in #general.',
        welcomeFrom: `admin@${domain}`,
      };
      await t.service.setOnboardingDefaults(defaults);
      expect(await t.service.getOnboardingDefaults(serverId)).toEqual(defaults);
      await t.service.setOnboardingDefaults({ serverId, community: domain, rooms: [], contacts: [], welcome: '' });
    });
  });

  it('shows what each new member got in the feed and on the ledger, and names the part that failed', async () => {
    const server = prosody();
    await withTestService(async (t) => {
      const serverId = await connected(t);
      const doomed = `doomed@${server.conference}`;
      const owner = await signIn(server, admin, 'doom');
      try {
        await createRoom(owner, doomed, { name: 'Doomed' });
        const [invite] = await t.service.createInvites({
          serverId,
          kind: 'account',
          maxUses: 2,
          onboarding: { rooms: [rooms.general, rooms.chess, doomed], contacts: [`moderator@${server.domain}`], welcome: 'Welcome, {name}.' },
        });
        await destroyRoom(owner, doomed);
        expect(await signUp(server, 'ada', invite?.token)).toEqual({ ok: true });
        const registration = await eventually(() => t.registrations.find((r) => r.username === 'ada'), 'the sign-up of ada');
        expect(registration.onboarding).toEqual({
          rooms: [rooms.general, rooms.chess],
          memberOf: [rooms.chess],
          contacts: [`moderator@${server.domain}`],
          welcomedBy: server.domain,
          failed: [{ part: 'room', jid: doomed, reason: 'gone' }],
        });
        const page = await t.service.listInvites({ serverId, query: invite?.id ?? '' });
        const [use] = page.invites[0]?.uses ?? [];
        expect(use?.jid).toBe(`ada@${server.domain}`);
        expect(use?.onboarding).toEqual(registration.onboarding);
      } finally {
        await owner.stop();
      }
    });
  });

  it('refuses a room that no longer exists when the invite is made, saying which', async () => {
    const server = prosody();
    await withTestService(async (t) => {
      const serverId = await connected(t);
      const error = await expectAdminError(
        t.service.createInvites({ serverId, kind: 'account', onboarding: { rooms: [`gone@${server.conference}`], contacts: [], welcome: '' } }),
      );
      expect(error).toMatchObject({ code: 'server-error', message: `The server refused: The room gone@${server.conference} no longer exists.` });
    });
  });
});

describe('the app on stock Prosody: no rooms, contacts or welcome per invite', () => {
  const prosody = prosodyFixture({ domain: 'stock-club.test', admins: [admin], rooms: true });

  it('says what needs the module, and still lists the rooms', async () => {
    const server = prosody();
    await withTestService(async (t) => {
      const profile = profileFor(server, admin);
      await t.service.connect({ profile, password: admin.password });
      const error = await expectAdminError(
        t.service.createInvites({ serverId: profile.id, kind: 'account', onboarding: { rooms: [], contacts: [], welcome: 'Hi' } }),
      );
      expect(error.code).toBe('feature-missing');
      expect(error.message).toMatch(/^Invite options \(onboarding\) needs the Invite Desk module/);
      expect((await expectAdminError(t.service.getOnboardingDefaults(profile.id))).code).toBe('feature-missing');
      const owner = await signIn(server, admin, 'rooms');
      try {
        await createRoom(owner, `lobby@${server.conference}`, { name: 'Lobby' });
      } finally {
        await owner.stop();
      }
      expect(await t.service.listRooms({ serverId: profile.id })).toEqual([{ jid: `lobby@${server.conference}`, name: 'Lobby', membersOnly: false, occupants: 0 }]);
    });
  });
});

describe('the server-wide config the app suggests on stock Prosody', () => {
  const domain = 'guide-club.test';
  const guide = serverWideOnboardingGuide(domain, { name: 'Prosody', version: prosodyFlavour().version === '13' ? '13.0.1' : '0.12.3' }, [
    { jid: `general@conference.${domain}`, name: 'General', membersOnly: false },
  ]);
  // The option lines of its config step, as an admin pastes them (the modules are loaded by the test's own list).
  const options = (guide.steps.find((step) => step.kind === 'config')?.code ?? '')
    .split('\n')
    .filter((line) => !/^(plugin_paths|modules_enabled)\b/.test(line))
    .join('\n');
  const prosody = prosodyFixture({
    domain,
    admins: [admin],
    rooms: true,
    modules: [...STOCK_MODULES, 'default_bookmarks', 'welcome'],
    pluginPaths: [prosodyFlavour().moduleDir],
    extraConfig: options,
  });

  it('gives a new account the rooms and the welcome it says', async () => {
    const server = prosody();
    expect(await signUp(server, 'newbie', await server.createInviteWithCli())).toEqual({ ok: true });
    const session = await signIn(server, { username: 'newbie', password: 'newbie-pw' }, 'phone');
    try {
      await session.client.entity.send(xml('presence'));
      const welcome = await session.waitFor((stanza) => (stanza.is('message') ? stanza.getChildText('body') ?? undefined : undefined), 'the welcome');
      expect(welcome).toBe(`Hello newbie, welcome to ${domain}!`);
      const reply = await session.client.iqCaller.request(
        xml('iq', { type: 'get', to: `newbie@${domain}` }, xml('pubsub', { xmlns: 'http://jabber.org/protocol/pubsub' }, xml('items', { node: 'urn:xmpp:bookmarks:1' }))),
        30_000,
      );
      const items = reply.getChild('pubsub')?.getChild('items')?.getChildren('item') ?? [];
      expect(items.map((item) => [item.attrs.id, item.getChild('conference')?.attrs.autojoin])).toEqual([[`general@conference.${domain}`, 'true']]);
    } finally {
      await session.stop();
    }
  });
});
