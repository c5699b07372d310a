import { describe, expect, it } from 'vitest';
import xml from '@xmpp/xml';
import { prosodyFixture } from '../helpers/fixtures';
import { WITH_INVITE_DESK, type Account, type ProsodyServer } from '../helpers/prosody';
import { signUp } from '../helpers/raw-register';
import {
  NODES,
  NS,
  command,
  createInvites,
  errorNote,
  holdInvitees,
  inviterTree,
  listInvites,
  listRequests,
  decide,
  request,
  revokePending,
  run,
  setMemberRules,
  signIn,
  tryCreate,
  type Session,
} from '../helpers/invite-desk-protocol';

/**
 * Members who invite, within the limits an admin sets, enforced by
 * mod_invite_desk on its own create command and on stock mod_invites_adhoc's
 * commands; and what it knows of who invited whom.
 */

const admin: Account = { username: 'admin', password: 'admin-password' };
const member: Account = { username: 'member', password: 'member-password' };
const other: Account = { username: 'other', password: 'other-password' };
const NS_COMMANDS = 'http://jabber.org/protocol/commands';
const STOCK_CONTACT = 'urn:xmpp:invite#invite';
const STOCK_ACCOUNT = 'urn:xmpp:invite#create-account';

interface StockOutcome {
  /** The invite's URI, when one was made. */
  uri?: string;
  /** The iq error's condition and text, and the canceled command's note, when refused. */
  condition?: string;
  text?: string;
  note?: string;
}

/** Runs a stock invite command as any XMPP client does, and reads what came back. */
async function stockInvite(session: Session, node: string): Promise<StockOutcome> {
  const iq = xml('iq', { type: 'set', to: session.domain }, xml('command', { xmlns: NS_COMMANDS, node, action: 'execute' }));
  const id = `stock-${Math.random().toString(36).slice(2)}`;
  iq.attrs.id = id;
  await session.client.entity.send(iq);
  const reply = await session.waitFor((s) => (s.is('iq') && s.attrs.id === id ? s : undefined), `the answer to ${node}`);
  if (reply.attrs.type === 'error') {
    const error = reply.getChild('error');
    return {
      condition: error?.getChildElements().find((c) => c.name !== 'text')?.name ?? '',
      text: error?.getChildText('text', 'urn:ietf:params:xml:ns:xmpp-stanzas') ?? '',
      note: reply.getChild('command', NS_COMMANDS)?.getChildText('note') ?? '',
    };
  }
  const form = reply.getChild('command', NS_COMMANDS)?.getChild('x', 'jabber:x:data');
  const uri = form?.getChildren('field').find((f) => f.attrs.var === 'uri')?.getChildText('value') ?? undefined;
  return uri ? { uri } : {};
}

async function as<T>(server: ProsodyServer, account: Account, work: (session: Session) => Promise<T>, resource = 'test'): Promise<T> {
  const session = await signIn(server, account, resource);
  try {
    return await work(session);
  } finally {
    await session.stop();
  }
}

const AGAIN = /You may invite again from \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/;

describe('mod_invite_desk: members who invite, within limits', () => {
  const fixture = prosodyFixture({
    domain: 'members.test',
    admins: [admin],
    users: [member, other],
    ...WITH_INVITE_DESK,
    // Stock Prosody lets members' contact invites register people, and on 13 grants members its account invite command.
    extraConfig: 'allow_user_invites = true\nadd_permissions = { ["prosody:registered"] = { "adhoc:urn:xmpp:invite#create-account" } }',
  });

  it('lets only admins invite until the admin opens it to members', async () => {
    const server = fixture();
    await as(server, member, async (session) => {
      const refused = await tryCreate(session).catch((error: unknown) => error);
      expect((refused as { condition?: string }).condition).toBe('forbidden');
      expect((refused as { text?: string }).text).toContain('only the admins invite people');
      const stock = await stockInvite(session, STOCK_CONTACT);
      expect(stock.condition).toBe('not-allowed');
      expect(stock.text).toContain('only the admins invite people');
      expect(stock.note).toBe(stock.text);
    });
  });

  it("counts a member's invites made through the module and through stock commands alike, and refuses past the quota with when", async () => {
    const server = fixture();
    await as(server, admin, (session) => setMemberRules(session, { who: 'members', perPeriod: 2, periodDays: 7, maxPending: 10, minAgeDays: 0 }));
    await as(server, member, async (session) => {
      const [own] = await createInvites(session);
      expect(own?.createdBy).toBe(`member@${server.domain}`);
      const stock = await stockInvite(session, STOCK_CONTACT);
      expect(stock.uri).toMatch(/;ibr=y$/);

      expect(errorNote(await tryCreate(session))).toMatch(AGAIN);
      const refused = await stockInvite(session, STOCK_CONTACT);
      expect(refused.condition).toBe('resource-constraint');
      expect(refused.text).toMatch(AGAIN);
      expect(refused.text).toContain('You have made 2 invites to members.test in the last 7 days');
      if (server.version === '13') {
        const account = await stockInvite(session, STOCK_ACCOUNT);
        expect(account.condition).toBe('resource-constraint');
        expect(account.text).toMatch(AGAIN);
      }
    });
    // An invite over quota never became usable: the ledger holds the member's two.
    await as(server, admin, async (session) => {
      const { rows } = await listInvites(session, { createdBy: `member@${server.domain}` });
      expect(rows).toHaveLength(2);
    });
  });

  it('limits invites pending at once, and what a member may ask for', async () => {
    const server = fixture();
    await as(server, admin, (session) => setMemberRules(session, { who: 'members', perPeriod: 0, maxPending: 1, minAgeDays: 0 }));
    await as(server, other, async (session) => {
      expect(errorNote(await tryCreate(session, { role: 'prosody:admin' }))).toContain('Members may not give the new account a role');
      expect(errorNote(await tryCreate(session, { expires: 0 }))).toContain('is for admins');
      expect(errorNote(await tryCreate(session, { maxUses: 5 }))).toContain('works once');
      expect(errorNote(await tryCreate(session, { kind: 'contact', username: member.username }))).toContain('of their own account only');
      const [first] = await createInvites(session);
      expect(errorNote(await tryCreate(session))).toContain('that nobody has used yet');
      // Used, it is pending no more.
      expect(await signUp(server, 'otherskid', first?.token)).toEqual({ ok: true });
      await createInvites(session);
    });
  });

  it('lets only members of the chosen role invite, on Prosody 13', async () => {
    const server = fixture();
    if (server.version !== '13') {
      // 0.12 has no roles to choose from: the module says so.
      await as(server, admin, async (session) => {
        const stage = await run(session, NODES.memberSettings, NS.members, { who: 'role', role: 'prosody:admin' });
        expect(errorNote(stage)).toContain('Roles need Prosody 13');
      });
      return;
    }
    await as(server, admin, (session) => setMemberRules(session, { who: 'role', role: 'prosody:admin', perPeriod: 0, maxPending: 0, minAgeDays: 0 }));
    await as(server, member, async (session) => {
      const refused = await tryCreate(session).catch((error: unknown) => error);
      expect((refused as { text?: string }).text).toContain('only members with the role prosody:admin invite people');
    });
    // Accounts get prosody:registered by default on 13.
    await as(server, admin, (session) => setMemberRules(session, { who: 'role', role: 'prosody:registered' }));
    await as(server, member, async (session) => {
      expect(await createInvites(session)).toHaveLength(1);
    });
    await as(server, admin, async (session) => {
      expect(errorNote(await run(session, NODES.memberSettings, NS.members, { who: 'role', role: 'no-such-role' }))).toContain('There is no role no-such-role');
    });
  });

  it('waits for an account to be old enough', async () => {
    const server = fixture();
    const [invite] = await as(server, admin, (session) => createInvites(session));
    expect(await signUp(server, 'newbie', invite?.token)).toEqual({ ok: true });
    await as(server, admin, (session) => setMemberRules(session, { who: 'members', perPeriod: 0, maxPending: 0, minAgeDays: 7 }));
    await as(server, { username: 'newbie', password: 'newbie-pw' }, async (session) => {
      const refused = await tryCreate(session).catch((error: unknown) => error);
      expect((refused as { text?: string }).text).toMatch(/once your account is 7 days old, from \d{4}-/);
    });
    await as(server, admin, (session) => setMemberRules(session, { minAgeDays: 0 }));
  });

  it("revokes all of a member's unused invites in one request, however they were made", async () => {
    const server = fixture();
    await as(server, admin, (session) => setMemberRules(session, { who: 'members', perPeriod: 0, maxPending: 0, minAgeDays: 0 }));
    await as(server, member, async (session) => {
      await createInvites(session, { count: 3 });
      expect((await stockInvite(session, STOCK_CONTACT)).uri).toBeDefined();
    });
    await as(server, admin, async (session) => {
      const jid = `member@${server.domain}`;
      const before = (await listInvites(session, { createdBy: jid, state: 'pending' })).rows.length;
      expect(before).toBeGreaterThanOrEqual(4);
      expect(await revokePending(session, jid)).toBe(before);
      expect((await listInvites(session, { createdBy: jid, state: 'pending' })).rows).toEqual([]);
    });
  });

  it("shows who invited whom, and holds a member's future invitees for approval", async () => {
    const server = fixture();
    await as(server, admin, (session) => setMemberRules(session, { who: 'members', perPeriod: 0, maxPending: 0, minAgeDays: 0 }));
    const [first, second] = await as(server, member, (session) => createInvites(session, { count: 2 }));
    expect(await signUp(server, 'kid1', first?.token)).toEqual({ ok: true });
    await as(server, admin, async (session) => {
      const tree = await inviterTree(session);
      const kid = tree.find((row) => row.jid === `kid1@${server.domain}`);
      expect(kid).toMatchObject({ invitedBy: `member@${server.domain}`, holdInvitees: false });
      expect(kid?.joined).toMatch(/^\d{4}-/);
      expect(tree.find((row) => row.jid === `member@${server.domain}`)?.pending).toBeGreaterThanOrEqual(1);
      await holdInvitees(session, `member@${server.domain}`, true);
      expect((await inviterTree(session)).find((row) => row.jid === `member@${server.domain}`)?.holdInvitees).toBe(true);
    });
    expect(await signUp(server, 'kid2', second?.token)).toEqual({ ok: true });
    await as(server, admin, async (session) => {
      const waiting = (await listRequests(session)).rows.find((row) => row.jid === `kid2@${server.domain}`);
      expect(waiting).toMatchObject({ why: 'inviter', inviter: `member@${server.domain}` });
      await decide(session, 'approve', ['kid2']);
      await holdInvitees(session, `member@${server.domain}`, false);
    });
  });

  it('lets only admins change the rules, see the tree or revoke for a member', async () => {
    const server = fixture();
    await as(server, member, async (session) => {
      for (const node of [NODES.memberSettings, NODES.tree, NODES.revokePending, NODES.holdInvitees]) {
        const refused = await command(session, node).catch((error: unknown) => error);
        expect((refused as { condition?: string }).condition, node).toBe('forbidden');
      }
      // The policy's answer names the members namespace to those who may administer only.
      const disco = await request(session, 'get', xml('query', { xmlns: 'http://jabber.org/protocol/disco#info', node: 'urn:x-invite-desk:administer:0' })).catch((e: unknown) => e);
      expect((disco as { condition?: string }).condition).toBe('forbidden');
    });
  });
});
