import { beforeAll, describe, expect, it } from 'vitest';
import xml, { type Element } from '@xmpp/xml';
import { prosodyFixture } from '../helpers/fixtures';
import { type Account, type ProsodyServer, WITH_INVITE_DESK } from '../helpers/prosody';
import { signUp } from '../helpers/raw-register';
import {
  NODES,
  NS,
  createInvites,
  errorNote,
  listInvites,
  liveSignup,
  onboardingFields,
  run,
  signIn,
  subscribe,
  tryCreate,
  command,
  fieldValues,
  refusal,
  type CreateOptions,
  type Session,
  type Signup,
} from '../helpers/invite-desk-protocol';
import { affiliated, createClubRooms, createRoom, destroyRoom, joinRoom } from '../helpers/rooms';

/**
 * What a new member gets on joining (mod_invite_desk's onboarding): rooms
 * bookmarked with autojoin and member affiliation in the members-only ones,
 * contacts both ways in a group named after the community, and a welcome,
 * all seen by the member's own client once it signs in.
 */

const admin: Account = { username: 'admin', password: 'admin-password' };
const moderator: Account = { username: 'moderator', password: 'moderator-password' };
const stranger: Account = { username: 'stranger', password: 'stranger-password' };
const NS_BOOKMARKS = 'urn:xmpp:bookmarks:1';
const NS_PUBSUB = 'http://jabber.org/protocol/pubsub';

/** An iq to the session's own account, as clients reach their PEP and private storage. */
function ownRequest(session: Session, payload: Element): Promise<Element> {
  return session.client.iqCaller.request(xml('iq', { type: 'get', to: session.jid.split('/')[0] }, payload), 30_000);
}

/** The member's own XEP-0402 bookmarks: room JID → autojoin. */
async function bookmarks(session: Session): Promise<Map<string, string | undefined>> {
  const reply = await ownRequest(session, xml('pubsub', { xmlns: NS_PUBSUB }, xml('items', { node: NS_BOOKMARKS })));
  const items = reply.getChild('pubsub', NS_PUBSUB)?.getChild('items')?.getChildren('item') ?? [];
  return new Map(items.map((item) => [item.attrs.id ?? '', item.getChild('conference', NS_BOOKMARKS)?.attrs.autojoin]));
}

/** The bookmarks as a client of XEP-0048 reads them, from private XML storage (XEP-0049): room JID → autojoin. */
async function legacyBookmarks(session: Session): Promise<Map<string, string | undefined>> {
  const reply = await ownRequest(session, xml('query', { xmlns: 'jabber:iq:private' }, xml('storage', { xmlns: 'storage:bookmarks' })));
  const storage = reply.getChild('query', 'jabber:iq:private')?.getChild('storage', 'storage:bookmarks');
  return new Map((storage?.getChildren('conference') ?? []).map((c) => [c.attrs.jid ?? '', c.attrs.autojoin]));
}

/** The roster items as the account's client receives them: JID → subscription and groups. */
async function roster(session: Session): Promise<Map<string, { subscription: string | undefined; groups: string[] }>> {
  const reply = await ownRequest(session, xml('query', { xmlns: 'jabber:iq:roster' }));
  const items = reply.getChild('query', 'jabber:iq:roster')?.getChildren('item') ?? [];
  return new Map(items.map((item) => [item.attrs.jid ?? '', { subscription: item.attrs.subscription, groups: item.getChildren('group').map((g) => g.text()) }]));
}

/** Picks a chat message with a body, for `waitFor`. */
const chat = (stanza: Element): { from: string; body: string } | undefined =>
  stanza.is('message') && stanza.getChildText('body') !== null ? { from: stanza.attrs.from ?? '', body: stanza.getChildText('body') ?? '' } : undefined;

describe('onboarding new members (mod_invite_desk)', () => {
  const prosody = prosodyFixture({ domain: 'club.test', admins: [admin], users: [moderator, stranger], rooms: true, ...WITH_INVITE_DESK });
  let general = '';
  let chess = '';

  beforeAll(async () => {
    ({ general, chess } = await signedIn(prosody(), (owner) => createClubRooms(owner, prosody().conference ?? '')));
  });

  /** Signs `username` up with `token` while the admin follows sign-ups; returns the sign-up event. */
  async function joinWith(server: ProsodyServer, username: string, token: string): Promise<Signup> {
    const watcher = await signIn(server, admin, `watch-${username}`);
    try {
      await subscribe(watcher);
      expect(await signUp(server, username, token)).toEqual({ ok: true });
      return await watcher.waitFor(liveSignup(server.domain, username), `the sign-up of ${username}`);
    } finally {
      await watcher.stop();
    }
  }

  /** Signs in as the new member, available, with the first chat message it receives. */
  async function arrive(server: ProsodyServer, username: string): Promise<{ session: Session; first: { from: string; body: string } }> {
    const session = await signIn(server, { username, password: `${username}-pw` }, 'phone');
    await session.client.entity.send(xml('presence'));
    const first = await session.waitFor(chat, `the first message to ${username}`);
    return { session, first };
  }

  it('gives a member who signs up with an invite its rooms, member affiliation, a contact both ways and the welcome, first of all', async () => {
    const server = prosody();
    const [invite] = await signedIn(server, (s) =>
      createInvites(s, {
        onboarding: 'invite',
        rooms: [general, chess],
        contacts: [`${moderator.username}@${server.domain}`],
        welcome: 'Hello {name}!\n{inviter} welcomes you to {community}.',
        welcomeFrom: server.adminJid(),
      }),
    );
    const signup = await joinWith(server, 'juliet', invite?.token ?? '');
    expect(signup.onboarding.sort()).toEqual(
      [`room:${general}`, `room:${chess}`, `member:${chess}`, `contact:moderator@${server.domain}`, `welcome:${server.adminJid()}`].sort(),
    );

    const { session, first } = await arrive(server, 'juliet');
    try {
      expect(first).toEqual({ from: server.adminJid(), body: `Hello juliet!\n${server.adminJid()} welcomes you to ${server.domain}.` });
      expect(await bookmarks(session)).toEqual(new Map([[general, 'true'], [chess, 'true']]));
      // A client of the older XEP-0048 reads the same rooms, through Prosody's mod_bookmarks.
      const legacy = await legacyBookmarks(session);
      expect([...legacy.keys()].sort()).toEqual([chess, general]);
      expect([...legacy.values()].every((autojoin) => autojoin === 'true' || autojoin === '1')).toBe(true);
      const contacts = await roster(session);
      expect(contacts.get(`moderator@${server.domain}`)).toEqual({ subscription: 'both', groups: [server.domain] });
      // The members-only room lets the new member in, as a member.
      const joined = await joinRoom(session, chess, 'juliet');
      expect(joined.getChild('x', 'http://jabber.org/protocol/muc#user')?.getChild('item')?.attrs.affiliation).toBe('member');
    } finally {
      await session.stop();
    }
    await signedIn(server, async (s) => {
      expect((await roster(s)).get(`juliet@${server.domain}`)).toEqual({ subscription: 'both', groups: [server.domain] });
    }, moderator);
    await signedIn(server, async (s) => {
      expect(await affiliated(s, chess, 'member')).toContain(`juliet@${server.domain}`);
      // The ledger's record of the use says the same as the event.
      const { rows } = await listInvites(s, { query: invite?.id ?? '' });
      expect(rows[0]?.usedBy[0]?.more).toEqual(expect.arrayContaining(signup.onboarding));
    });
  });

  it('gives the server defaults to a member whose invite brings no set of its own, in a group named after the community', async () => {
    const server = prosody();
    await signedIn(server, async (s) => {
      const stage = await run(s, NODES.onboarding, NS.onboarding, {
        community: 'Chess Club',
        ...onboardingFields({ rooms: [general], contacts: ['moderator'], welcome: 'Welcome to {community}, {name}.' }),
      });
      expect(stage.notes).toEqual([{ type: 'info', text: 'New members get these from now on.' }]);
      // The command's first stage shows what is set.
      const shown = await command(s, NODES.onboarding);
      expect(fieldValues(shown.form, 'rooms')).toEqual([general]);
      expect(fieldValues(shown.form, 'contacts')).toEqual([`moderator@${server.domain}`]);
      expect(fieldValues(shown.form, 'community')).toEqual(['Chess Club']);
    });
    try {
      // An invite made outside the module brings nothing of its own.
      const token = await server.createInviteWithCli();
      const signup = await joinWith(server, 'romeo', token);
      expect(signup.onboarding.sort()).toEqual([`contact:moderator@${server.domain}`, `room:${general}`, `welcome:${server.domain}`]);
      const { session, first } = await arrive(server, 'romeo');
      try {
        expect(first).toEqual({ from: server.domain, body: 'Welcome to Chess Club, romeo.' });
        expect(await bookmarks(session)).toEqual(new Map([[general, 'true']]));
        expect((await roster(session)).get(`moderator@${server.domain}`)).toEqual({ subscription: 'both', groups: ['Chess Club'] });
      } finally {
        await session.stop();
      }
    } finally {
      await signedIn(server, (s) => run(s, NODES.onboarding, NS.onboarding, {}));
    }
  });

  it('lets a sign-up through when a room of its invite was deleted since, and names the room in the event and the ledger', async () => {
    const server = prosody();
    const doomed = `doomed@${server.conference}`;
    const [invite] = await signedIn(server, async (s) => {
      await createRoom(s, doomed, { name: 'Doomed' });
      const made = await createInvites(s, { onboarding: 'invite', rooms: [general, doomed] });
      await destroyRoom(s, doomed);
      return made;
    });
    const signup = await joinWith(server, 'mercutio', invite?.token ?? '');
    expect(signup.onboarding.sort()).toEqual([`room-failed:${doomed}:gone`, `room:${general}`]);
    const session = await signIn(server, { username: 'mercutio', password: 'mercutio-pw' }, 'phone');
    try {
      expect(await bookmarks(session)).toEqual(new Map([[general, 'true']]));
    } finally {
      await session.stop();
    }
  });

  it('gives every member who uses a reusable invite the same set', async () => {
    const server = prosody();
    const [invite] = await signedIn(server, (s) => createInvites(s, { maxUses: 2, onboarding: 'invite', rooms: [chess], contacts: ['moderator'] }));
    for (const username of ['benvolio', 'balthasar']) {
      const signup = await joinWith(server, username, invite?.token ?? '');
      expect(signup.onboarding.sort()).toEqual([`contact:moderator@${server.domain}`, `member:${chess}`, `room:${chess}`]);
    }
    await signedIn(server, async (s) => {
      expect(await affiliated(s, chess, 'member')).toEqual(expect.arrayContaining([`benvolio@${server.domain}`, `balthasar@${server.domain}`]));
    });
  });

  it('notes on the ledger when a member signs in again after joining, not in the session that signed up, and names the batch of a kit', async () => {
    const server = prosody();
    const kit = await signedIn(server, (s) => createInvites(s, { count: 2, note: 'Chess evening' }));
    expect(kit.map((invite) => invite.batch)).toEqual([kit[0]?.id, kit[0]?.id]);
    const [single] = await signedIn(server, (s) => createInvites(s, {}));
    expect(single?.batch).toBeUndefined();

    expect(await signUp(server, 'tybalt', kit[1]?.token, { thenSignIn: true })).toEqual({ ok: true });
    const signedInSince = async (): Promise<string | undefined> => {
      const { rows } = await signedIn(server, (s) => listInvites(s, { query: kit[1]?.id ?? '' }));
      expect(rows[0]?.usedBy.map((use) => use.jid)).toEqual([`tybalt@${server.domain}`]);
      return rows[0]?.usedBy[0]?.more.find((word) => word.startsWith('signed-in:'));
    };
    expect(await signedInSince()).toBeUndefined();
    const back = await signIn(server, { username: 'tybalt', password: 'tybalt-pw' }, 'laptop');
    await back.stop();
    expect(await signedInSince()).toMatch(/^signed-in:\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('refuses sets that break its rules, and lets only admins set the defaults', async () => {
    const server = prosody();
    await signedIn(server, async (s) => {
      const refused = async (fields: CreateOptions): Promise<string> =>
        errorNote(await tryCreate(s, { onboarding: 'invite', ...fields }));
      expect(await refused({ rooms: [`nowhere@${server.conference}`] })).toBe(`The room nowhere@${server.conference} no longer exists.`);
      expect(await refused({ rooms: ['lobby@conference.elsewhere.test'] })).toBe(`lobby@conference.elsewhere.test is not a room of ${server.domain}'s own chat service.`);
      expect(await refused({ contacts: ['ghost'] })).toBe(`There is no account ghost@${server.domain}.`);
      expect(await refused({ contacts: ['friend@elsewhere.test'] })).toBe(`friend@elsewhere.test is not an account of ${server.domain}.`);
      expect(await refused({ welcome: 'x'.repeat(2001) })).toBe('The welcome message is longer than 2000 characters.');
      expect(await refused({ welcome: 'Hi', welcomeFrom: `moderator@${server.domain}` })).toBe('A welcome comes from the server or from your own account.');
      expect(await refused({ kind: 'reset', username: 'moderator', rooms: [general] })).toMatch(/^A password reset makes no new member/);
      expect(errorNote(await tryCreate(s, { rooms: [general] }))).toBe('To give this invite its own rooms, contacts or welcome, set What new members get to invite.');
    });
    await signedIn(
      server,
      async (s) => {
        expect(await refusal(run(s, NODES.onboarding, NS.onboarding, onboardingFields({ rooms: [general] })))).toBe('forbidden');
        expect(await refusal(tryCreate(s, { onboarding: 'invite', rooms: [general] }))).toBe('forbidden');
      },
      stranger,
    );
  });
});

/** Runs `work` in a fresh session (the admin's unless said), signed out afterwards whatever happens. */
async function signedIn<T>(server: ProsodyServer, work: (session: Session) => Promise<T>, account = admin): Promise<T> {
  const session = await signIn(server, account, 'test');
  try {
    return await work(session);
  } finally {
    await session.stop();
  }
}
