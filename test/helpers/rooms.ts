import xml, { type Element } from '@xmpp/xml';
import type { Session } from './invite-desk-protocol';

/**
 * Group chats (XEP-0045) on a test server's MUC component, made and
 * destroyed by a signed-in session as any client does: join to create,
 * submit the owner's configuration form, leave.
 */

const NS_MUC = 'http://jabber.org/protocol/muc';
const NS_MUC_USER = `${NS_MUC}#user`;
const NS_MUC_OWNER = `${NS_MUC}#owner`;

function roomRequest(session: Session, room: string, type: 'get' | 'set', payload: Element): Promise<Element> {
  return session.client.iqCaller.request(xml('iq', { type, to: room }, payload), 30_000);
}

/** Picks the presence the room reflects to this occupant (status 110), for `waitFor`. */
function ownPresence(room: string, nick: string): (stanza: Element) => Element | undefined {
  return (stanza) =>
    stanza.is('presence') && stanza.attrs.from === `${room}/${nick}` && stanza.getChild('x', NS_MUC_USER)?.getChildren('status').some((s) => s.attrs.code === '110') ? stanza : undefined;
}

/** Joins `room` as `nick`; resolves with the presence the room reflects, or rejects with its error. */
export async function joinRoom(session: Session, room: string, nick: string): Promise<Element> {
  await session.client.entity.send(xml('presence', { to: `${room}/${nick}` }, xml('x', { xmlns: NS_MUC })));
  const answer = await session.waitFor(
    (stanza) => (stanza.is('presence') && stanza.attrs.from === `${room}/${nick}` && (stanza.attrs.type === 'error' || ownPresence(room, nick)(stanza)) ? stanza : undefined),
    `the room ${room} to answer ${nick}`,
  );
  if (answer.attrs.type === 'error') {
    const condition = answer.getChild('error')?.getChildElements()[0]?.name ?? 'unknown';
    throw Object.assign(new Error(`${room} refused ${nick}: ${condition}`), { condition });
  }
  return answer;
}

export async function leaveRoom(session: Session, room: string, nick: string): Promise<void> {
  await session.client.entity.send(xml('presence', { to: `${room}/${nick}`, type: 'unavailable' }));
}

/** Creates a persistent room named `name`, open or members-only, listed or hidden, and leaves it. */
export async function createRoom(session: Session, room: string, options: { name: string; membersOnly?: boolean; hidden?: boolean }): Promise<void> {
  const nick = 'founder';
  await joinRoom(session, room, nick);
  const field = (name: string, value: string): Element => xml('field', { var: name }, xml('value', {}, value));
  await roomRequest(
    session,
    room,
    'set',
    xml(
      'query',
      { xmlns: NS_MUC_OWNER },
      xml(
        'x',
        { xmlns: 'jabber:x:data', type: 'submit' },
        field('FORM_TYPE', 'http://jabber.org/protocol/muc#roomconfig'),
        field('muc#roomconfig_roomname', options.name),
        field('muc#roomconfig_persistentroom', '1'),
        field('muc#roomconfig_publicroom', options.hidden ? '0' : '1'),
        field('muc#roomconfig_membersonly', options.membersOnly ? '1' : '0'),
      ),
    ),
  );
  await leaveRoom(session, room, nick);
}

/** Destroys a room, as its owner does. */
export async function destroyRoom(session: Session, room: string): Promise<void> {
  await roomRequest(session, room, 'set', xml('query', { xmlns: NS_MUC_OWNER }, xml('destroy', {}, xml('reason', {}, 'Closed by a test'))));
}

/** The accounts with `affiliation` in a room, as its owner sees them. */
export async function affiliated(session: Session, room: string, affiliation: 'member' | 'owner' | 'admin' | 'outcast'): Promise<string[]> {
  const reply = await roomRequest(session, room, 'get', xml('query', { xmlns: `${NS_MUC}#admin` }, xml('item', { affiliation })));
  return (reply.getChild('query')?.getChildren('item') ?? []).map((item) => item.attrs.jid ?? '');
}

/** The rooms most tests want: General, open to all, and Chess, members-only; made by `owner`, who then leaves them. */
export async function createClubRooms(owner: Session, conference: string, chessName = 'Chess'): Promise<{ general: string; chess: string }> {
  const rooms = { general: `general@${conference}`, chess: `chess@${conference}` };
  await createRoom(owner, rooms.general, { name: 'General' });
  await createRoom(owner, rooms.chess, { name: chessName, membersOnly: true });
  return rooms;
}
