import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import xml from '@xmpp/xml';
import { REASON_FIELD_CONFIG } from '../../common/join-requests';
import { prosodyFixture } from '../helpers/fixtures';
import { prosodyFlavour, WITH_INVITE_DESK, type Account, type ProsodyServer } from '../helpers/prosody';
import { signUp } from '../helpers/raw-register';
import {
  NODES,
  NS,
  createInvites,
  decide,
  listRequests,
  liveDecision,
  liveRequest,
  readPolicy,
  refusal,
  run,
  setPolicy,
  signIn,
  subscribe,
  type Session,
} from '../helpers/invite-desk-protocol';

/**
 * "Ask to join" in mod_invite_desk, over its protocol: who is held, the
 * refused sign-in and its text, approval, rejection, and who may decide.
 */

const exec = promisify(execFile);
const admin: Account = { username: 'admin', password: 'admin-password' };
const member: Account = { username: 'member', password: 'member-password' };
const WAITING = /waiting for approval by the admins of/;

/** Signs `account` in and out; resolves with the SASL failure when it is refused, or null. */
async function signInRefusal(server: ProsodyServer, account: Account): Promise<{ condition: string; text: string } | null> {
  try {
    const session = await signIn(server, account, 'try');
    await session.stop();
    return null;
  } catch (error) {
    const { condition, text } = error as { condition?: unknown; text?: unknown };
    if (typeof condition !== 'string') throw error;
    return { condition, text: typeof text === 'string' ? text : '' };
  }
}

async function asAdmin<T>(server: ProsodyServer, work: (session: Session) => Promise<T>): Promise<T> {
  const session = await signIn(server, admin, 'desk');
  try {
    return await work(session);
  } finally {
    await session.stop();
  }
}

const newcomer = (username: string): Account => ({ username, password: `${username}-pw` });


describe('mod_invite_desk: ask to join', () => {
  const fixture = prosodyFixture({ domain: 'join.test', admins: [admin], users: [member], ...WITH_INVITE_DESK, extraConfig: REASON_FIELD_CONFIG });

  it('holds a sign-up without an invite: its sign-in is refused with the waiting text until approved', async () => {
    const server = fixture();
    await asAdmin(server, async (session) => {
      await setPolicy(session, 'approval');
      expect(await readPolicy(session)).toBe('approval');
      await subscribe(session);
      expect(await signUp(server, 'walkin')).toEqual({ ok: true });
      const pushed = await session.waitFor(liveRequest(server.domain, 'walkin'), 'the request headline');
      expect(pushed).toMatchObject({ jid: `walkin@${server.domain}`, why: 'no-invite', ip: '127.0.0.1' });

      const refused = await signInRefusal(server, newcomer('walkin'));
      expect(refused?.condition).toBe('account-disabled');
      expect(refused?.text).toMatch(WAITING);
      expect(refused?.text).toContain(server.domain);
      // On 0.12 a wrong password learns nothing more; 13 says an account is disabled before it checks the password.
      expect((await signInRefusal(server, { username: 'walkin', password: 'wrong' }))?.condition).toBe(server.version === '13' ? 'account-disabled' : 'not-authorized');

      const { rows } = await listRequests(session);
      expect(rows.map((r) => r.jid)).toContain(`walkin@${server.domain}`);
      const decision = await decide(session, 'approve', ['walkin']);
      expect(decision).toMatchObject({ decided: [`walkin@${server.domain}`], notHeld: [], failed: [] });
      expect(await session.waitFor(liveDecision(server.domain), 'the decision headline')).toEqual({
        outcome: 'approved',
        by: `admin@${server.domain}`,
        jids: [`walkin@${server.domain}`],
      });
      expect(await signInRefusal(server, newcomer('walkin'))).toBeNull();
      await setPolicy(session, 'invite-only');
    });
  });

  it('lets an invite in at once, unless the invite needs approval', async () => {
    const server = fixture();
    await asAdmin(server, async (session) => {
      await setPolicy(session, 'approval');
      const [plain] = await createInvites(session);
      const [careful] = await createInvites(session, { needsApproval: true });
      expect(careful?.needsApproval).toBe(true);
      expect(await signUp(server, 'invited', plain?.token)).toEqual({ ok: true });
      expect(await signInRefusal(server, newcomer('invited'))).toBeNull();
      expect(await signUp(server, 'vetted', careful?.token)).toEqual({ ok: true });
      expect((await signInRefusal(server, newcomer('vetted')))?.text).toMatch(WAITING);
      const row = (await listRequests(session)).rows.find((r) => r.jid === `vetted@${server.domain}`);
      expect(row).toMatchObject({ why: 'invite', invite: careful?.id, inviter: `admin@${server.domain}` });

      // Under invite-only, too: the invite's own choice holds.
      await setPolicy(session, 'invite-only');
      const [another] = await createInvites(session, { needsApproval: true });
      expect(await signUp(server, 'vetted2', another?.token)).toEqual({ ok: true });
      expect((await signInRefusal(server, newcomer('vetted2')))?.condition).toBe('account-disabled');
      await decide(session, 'reject', 'all');
    });
  });

  it('rejects by deleting the account, so the name is free again', async () => {
    const server = fixture();
    await asAdmin(server, async (session) => {
      await setPolicy(session, 'approval');
      expect(await signUp(server, 'spammer')).toEqual({ ok: true });
      const decision = await decide(session, 'reject', [`spammer@${server.domain}`]);
      expect(decision.decided).toEqual([`spammer@${server.domain}`]);
      expect((await signInRefusal(server, newcomer('spammer')))?.condition).toBe('not-authorized');
      expect(await signUp(server, 'spammer', undefined)).toEqual({ ok: true });
      expect((await listRequests(session)).rows.map((r) => r.jid)).toContain(`spammer@${server.domain}`);
      await decide(session, 'reject', 'all');
      await setPolicy(session, 'invite-only');
    });
  });

  it('changes nothing for an account that does not wait, and says so in a field', async () => {
    const server = fixture();
    await asAdmin(server, async (session) => {
      await setPolicy(session, 'approval');
      expect(await signUp(server, 'waiting1')).toEqual({ ok: true });
      const decision = await decide(session, 'approve', ['waiting1', member.username, 'nobody']);
      expect(decision.decided).toEqual([`waiting1@${server.domain}`]);
      expect(decision.notHeld.sort()).toEqual([`member@${server.domain}`, `nobody@${server.domain}`]);
      expect(decision.note).toContain('nothing changed');
      const again = await decide(session, 'reject', ['waiting1']);
      expect(again).toMatchObject({ decided: [], notHeld: [`waiting1@${server.domain}`] });
      expect(await signInRefusal(server, newcomer('waiting1'))).toBeNull();
      expect(await signInRefusal(server, member)).toBeNull();
      await setPolicy(session, 'invite-only');
    });
  });

  it('never holds an account an admin makes: prosodyctl, the shell, or XEP-0133', async () => {
    const server = fixture();
    await asAdmin(server, async (session) => {
      await setPolicy(session, 'approval');
      await server.register(newcomer('byctl'));
      const made = ['byctl'];
      const addUser = await run(session, 'http://jabber.org/protocol/admin#add-user', 'http://jabber.org/protocol/admin', {
        accountjid: `byadhoc@${server.domain}`,
        password: 'byadhoc-pw',
        'password-verify': 'byadhoc-pw',
      });
      expect(addUser.notes.some((n) => n.type === 'error')).toBe(false);
      made.push('byadhoc');
      if (server.version === '13') {
        await exec(prosodyFlavour('13').prosodyctl, ['--config', server.configPath, 'shell', 'user', 'create', `byshell@${server.domain}`, 'byshell-pw']);
        made.push('byshell');
      }
      for (const username of made) expect(await signInRefusal(server, newcomer(username)), username).toBeNull();
      expect((await listRequests(session)).rows).toEqual([]);
      await setPolicy(session, 'invite-only');
    });
  });

  it("shows the reason the newcomer gave in the server's registration form", async () => {
    const server = fixture();
    await asAdmin(server, async (session) => {
      await setPolicy(session, 'approval');
      expect(await signUp(server, 'reasoned', undefined, { fields: { reason: 'I sing in the choir\nwith Ann' } })).toEqual({ ok: true });
      const row = (await listRequests(session)).rows.find((r) => r.jid === `reasoned@${server.domain}`);
      expect(row?.reason).toBe('I sing in the choir\nwith Ann');
      await decide(session, 'reject', 'all');
      await setPolicy(session, 'invite-only');
    });
  });

  it('keeps a rejected account, disabled, when asked (Prosody 13 only)', async () => {
    const server = fixture();
    await asAdmin(server, async (session) => {
      await setPolicy(session, 'approval');
      expect(await signUp(server, 'kept')).toEqual({ ok: true });
      if (server.version === '13') {
        expect((await decide(session, 'reject', ['kept'], true)).decided).toEqual([`kept@${server.domain}`]);
        const refused = await signInRefusal(server, newcomer('kept'));
        expect(refused?.condition).toBe('account-disabled');
        expect(refused?.text).not.toMatch(WAITING);
        expect(await signUp(server, 'kept')).toMatchObject({ ok: false, condition: 'conflict' });
      } else {
        const stage = await run(session, NODES.reject, NS.requests, { accounts: 'kept', 'keep-disabled': '1' });
        expect(stage.notes.find((n) => n.type === 'error')?.text).toContain('needs Prosody 13');
        expect((await listRequests(session)).rows.map((r) => r.jid)).toContain(`kept@${server.domain}`);
        await decide(session, 'reject', 'all');
      }
      await setPolicy(session, 'invite-only');
    });
  });

  it('lets only admins list, approve or reject', async () => {
    const server = fixture();
    const outsider = await signIn(server, member, 'nosy');
    try {
      for (const node of [NODES.requests, NODES.approve, NODES.reject]) {
        expect(await refusal(run(outsider, node, NS.requests, { all: '1' })), node).toBe('forbidden');
      }
    } finally {
      await outsider.stop();
    }
  });

  it('answers a subscription with no request headlines for sessions that did not subscribe', async () => {
    const server = fixture();
    await asAdmin(server, async (session) => {
      await setPolicy(session, 'approval');
      expect(await signUp(server, 'quiet')).toEqual({ ok: true });
      await session.client.iqCaller.request(xml('iq', { type: 'get', to: server.domain }, xml('ping', { xmlns: 'urn:xmpp:ping' })));
      expect(session.received.some((s) => s.getChild('request', NS.requests))).toBe(false);
      await decide(session, 'reject', 'all');
      await setPolicy(session, 'invite-only');
    });
  });
});

describe('mod_invite_desk: old requests to join', () => {
  // Three seconds, so the test need not wait days.
  const fixture = prosodyFixture({ domain: 'expiry.test', admins: [admin], ...WITH_INVITE_DESK, extraConfig: `invite_desk_request_days = ${3 / 86400}` });

  it('rejects requests older than invite_desk_request_days by itself, freeing their names', async () => {
    const server = fixture();
    await asAdmin(server, async (session) => {
      await setPolicy(session, 'approval');
      await subscribe(session);
      expect(await signUp(server, 'forgotten')).toEqual({ ok: true });
      const deadline = Date.now() + 30_000;
      while ((await listRequests(session)).total > 0) {
        if (Date.now() > deadline) throw new Error('the old request was never rejected');
        await new Promise((wake) => setTimeout(wake, 500));
      }
      expect(await session.waitFor(liveDecision(server.domain), 'the decision headline')).toMatchObject({ outcome: 'expired', jids: [`forgotten@${server.domain}`] });
      expect(await signUp(server, 'forgotten')).toEqual({ ok: true });
    });
  });
});
