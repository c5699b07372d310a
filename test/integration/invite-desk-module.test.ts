import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdir, readFile, readdir, stat, utimes, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import xml, { type Element } from '@xmpp/xml';
import { prosodyFixture } from '../helpers/fixtures';
import { PROJECT_PLUGIN_PATH, prosodyFlavour, prosodyVersionFromEnv, type Account, type ProsodyServer, WITH_INVITE_DESK } from '../helpers/prosody';
import { registerAccount, type RegisterOutcome } from '../helpers/raw-register';
import {
  NODES,
  NS,
  accountStates,
  adminFeatures,
  command,
  createInvites,
  errorNote,
  fieldValues,
  listInvites,
  livePolicy,
  liveSignup,
  preauthorize,
  liveActivity,
  listActivity,
  purgeExpired,
  readPolicy,
  refusal,
  request,
  revokeInvites,
  revokeOutcome,
  run,
  seedHistory,
  seedKey,
  setPolicy,
  signIn,
  subscribe,
  tokenOf,
  tryCreate,
  unsubscribe,
  type CreateOptions,
  type CreatedInvite,
  type Fields,
  type LedgerRow,
  type Session,
  type Signup,
} from '../helpers/invite-desk-protocol';

/**
 * mod_invite_desk on a real Prosody, driven over XMPP as any client would:
 * ad-hoc commands for the policy and invites, the subscription iq and
 * headlines for events, and real in-band registrations.
 */

const exec = promisify(execFile);
const admin: Account = { username: 'admin', password: 'admin-password' };
const member: Account = { username: 'member', password: 'member-password' };
const forgetful: Account = { username: 'forgetful', password: 'old-password' };
const withModule = { admins: [admin], users: [member, forgetful], ...WITH_INVITE_DESK };

const INVITE_ONLY = 'Registration on this server is through invitation only';
const CLOSED = 'Registration on this server is closed';
/** Every namespace the module advertises on its administration node, in its order. */
const ALL_FEATURES = [NS.policy, NS.invites, NS.events, NS.requests, NS.members, NS.accounts, NS.onboarding, NS.activity];
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

function signUp(server: ProsodyServer, username: string, token?: string, password = `${username}-pw`): Promise<RegisterOutcome> {
  return registerAccount({ port: server.c2sPort, domain: server.domain, username, password, ...(token === undefined ? {} : { token }) });
}

/** Runs `work` in a fresh session (the admin's unless said), signed out afterwards whatever happens. */
async function signedIn<T>(server: ProsodyServer, work: (session: Session) => Promise<T>, account = admin, resource = 'test'): Promise<T> {
  const session = await signIn(server, account, resource);
  try {
    return await work(session);
  } finally {
    await session.stop();
  }
}

/** Asks the server again and again until `check` finds what it waits for; never one fixed sleep. */
async function eventually<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((wake) => setTimeout(wake, 200));
  }
}

/** The sign-up headlines this session has received so far. */
function headlineSignups(session: Session): Signup[] {
  const pick = liveSignup(session.domain);
  return session.received.flatMap((stanza) => pick(stanza) ?? []);
}

/** A server round trip: whatever the server sent this session before has arrived once it resolves. */
async function roundTrip(session: Session): Promise<void> {
  await request(session, 'get', xml('ping', { xmlns: 'urn:xmpp:ping' }));
}

/** The values a form offers for `role`. */
function roleChoices(form: Element | undefined): string[] {
  return (form?.getChildren('field').find((f) => f.attrs.var === 'role')?.getChildren('option') ?? []).map((o) => o.getChildText('value') ?? '');
}

/** A password-reset invite made on the server's command line, as each version spells it; returns its token. */
async function cliResetInvite(server: ProsodyServer, username: string): Promise<string> {
  const args = server.version === '13' ? ['shell', 'invite', 'create_reset', `${username}@${server.domain}`] : ['mod_invites', 'generate', server.domain, '--reset', username];
  const { stdout } = await exec(prosodyFlavour(server.version).prosodyctl, ['--config', server.configPath, ...args]);
  const token = tokenOf(stdout);
  if (token === undefined) throw new Error(`prosodyctl printed no invite: ${stdout}`);
  return token;
}

describe('mod_invite_desk: the registration policy', () => {
  const fixture = prosodyFixture({ domain: 'policy.test', ...withModule });

  it('is invite-only until set, and its command shows the current policy as the default', async () => {
    const server = fixture();
    await signedIn(server, async (session) => {
      expect(await readPolicy(session)).toBe('invite-only');
      const [invite] = await createInvites(session);
      expect(await signUp(server, 'walkin1')).toMatchObject({ ok: false, stage: 'register', text: INVITE_ONLY });
      expect(await signUp(server, 'invited1', invite?.token)).toEqual({ ok: true });
      await setPolicy(session, 'open');
      expect(await readPolicy(session)).toBe('open');
    });
  });

  it('lets anyone in when open, and nobody when closed, not even with an invite', async () => {
    const server = fixture();
    await signedIn(server, async (session) => {
      await setPolicy(session, 'open');
      expect(await signUp(server, 'walkin2')).toEqual({ ok: true });

      await setPolicy(session, 'closed');
      const [invite] = await createInvites(session);
      expect(await signUp(server, 'invited2', invite?.token)).toMatchObject({ ok: false, stage: 'register', condition: 'not-allowed', text: CLOSED });
      expect(await signUp(server, 'walkin3')).toMatchObject({ ok: false, stage: 'register', text: CLOSED });
      // A password reset makes no new account, so it still works.
      const [reset] = await createInvites(session, { kind: 'reset', username: forgetful.username });
      expect(await signUp(server, forgetful.username, reset?.token, 'new-password')).toEqual({ ok: true });
      await signedIn(server, () => Promise.resolve(), { username: forgetful.username, password: 'new-password' });

      await setPolicy(session, 'invite-only');
      expect(await signUp(server, 'invited2', invite?.token)).toEqual({ ok: true });
    });
  });

  it('keeps the policy across a restart', async () => {
    const server = fixture();
    await signedIn(server, (session) => setPolicy(session, 'closed'));
    await server.restart();
    await signedIn(server, async (session) => {
      expect(await readPolicy(session)).toBe('closed');
      expect(await signUp(server, 'afterrestart')).toMatchObject({ ok: false, text: CLOSED });
      await setPolicy(session, 'open');
    });
    await server.restart();
    expect(await signUp(server, 'afterrestart')).toEqual({ ok: true });
  });

  it('tells every subscribed admin session of a change at once', async () => {
    const server = fixture();
    const first = await signIn(server, admin, 'desk');
    const second = await signIn(server, admin, 'laptop');
    try {
      expect((await subscribe(first)).complete).toBe(true);
      expect((await subscribe(second)).complete).toBe(true);
      await setPolicy(first, 'closed');
      for (const session of [first, second]) {
        const change = await session.waitFor(livePolicy(server.domain, 'closed'), `the change in ${session.jid}`);
        expect(change).toMatchObject({ mode: 'closed', by: `admin@${server.domain}` });
        expect(change.time).toMatch(ISO_TIME);
      }
      expect((await subscribe(second)).policy).toBe('closed');
      await setPolicy(second, 'invite-only');
      await first.waitFor(livePolicy(server.domain, 'invite-only'), 'the change back');
    } finally {
      await first.stop();
      await second.stop();
    }
  });
});

describe('mod_invite_desk: the policy overrides the config', () => {
  const fixture = prosodyFixture({ domain: 'override.test', ...withModule, extraConfig: 'allow_registration = true\nregistration_invite_only = false' });

  it('keeps walk-ins out under invite-only although the config lets them in', async () => {
    const server = fixture();
    expect(await signUp(server, 'walkin')).toMatchObject({ ok: false, text: INVITE_ONLY });
    await signedIn(server, (session) => setPolicy(session, 'open'));
    expect(await signUp(server, 'walkin')).toEqual({ ok: true });
  });
});

describe('mod_invite_desk: open registration whatever mod_invites_register says', () => {
  // Its refusal of a sign-up without an invite in other words, as a translated Prosody would say it; and
  // mod_register_limits (from 127.0.0.1 too) letting two sign-up attempts through per ten minutes.
  const fixture = prosodyFixture({
    domain: 'translated.test',
    ...withModule,
    modules: [...withModule.modules, 'test_translated_refusal'],
    extraConfig: 'registration_allowlist = { }\nregistration_throttle_max = 2\nregistration_throttle_period = 600',
  });

  it('lets a walk-in in when open, and never lifts another module\'s refusal', async () => {
    const server = fixture();
    expect(await signUp(server, 'walkin0')).toMatchObject({ ok: false, stage: 'register', condition: 'not-allowed' });
    await signedIn(server, (session) => setPolicy(session, 'open'));
    expect(await signUp(server, 'walkin1')).toEqual({ ok: true });
    expect(await signUp(server, 'walkin2')).toMatchObject({ ok: false, stage: 'register', condition: 'policy-violation' });
  });
});

describe('mod_invite_desk: invites', () => {
  const fixture = prosodyFixture({ domain: 'invites.test', ...withModule });

  it('enforces a use limit of 3 exactly, with 10 sign-ups at once', async () => {
    const server = fixture();
    await signedIn(server, async (session) => {
      const [invite] = await createInvites(session, { maxUses: 3, note: 'meetup table' });
      expect(invite).toMatchObject({ maxUses: 3, state: 'pending', uses: 0 });
      // All ten show the token before any registers, so every one of them gets past preauth.
      const crowd = await Promise.all(Array.from({ length: 10 }, () => preauthorize(server, invite?.token ?? '')));
      try {
        const outcomes = await Promise.all(crowd.map((member, i) => member.register(`crowd${i}`, 'crowd-pw')));
        expect(outcomes.filter((o) => o.ok)).toHaveLength(3);
        expect(outcomes.filter((o) => !o.ok)).toEqual(Array(7).fill({ ok: false, stage: 'register', condition: 'not-allowed', text: 'This invite has been used up' }));
      } finally {
        for (const member of crowd) member.close();
      }
      const [row] = (await listInvites(session, { query: 'meetup table' })).rows;
      expect(row).toMatchObject({ id: invite?.id, state: 'used', uses: 3, maxUses: 3 });
      expect(row?.usedBy).toHaveLength(3);
      // Once used up, it is gone from Prosody's store: preauth refuses it.
      expect(await signUp(server, 'latecomer', invite?.token)).toMatchObject({ ok: false, stage: 'preauth', condition: 'forbidden' });

      // Stock Prosody lets two sessions that both showed a single-use token register; the module does not.
      const token = await server.createInviteWithCli();
      const pair = await Promise.all([preauthorize(server, token), preauthorize(server, token)]);
      try {
        const outcomes = await Promise.all(pair.map((member, i) => member.register(`pair${i}`, 'pair-pw')));
        expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
      } finally {
        for (const member of pair) member.close();
      }
    });
  });

  it('refuses a revoked invite to a session that showed it before the revocation', async () => {
    const server = fixture();
    await signedIn(server, async (session) => {
      const [invite] = await createInvites(session);
      const early = await preauthorize(server, invite?.token ?? '');
      try {
        expect(await revokeInvites(session, [invite?.id ?? ''])).toBe('Revoked 1 invite.');
        expect(await early.register('early', 'early-pw')).toEqual({ ok: false, stage: 'register', condition: 'not-allowed', text: 'This invite has been revoked' });
      } finally {
        early.close();
      }
    });
  });

  it('holds a bound username to its name', async () => {
    const server = fixture();
    await signedIn(server, async (session) => {
      const [invite] = await createInvites(session, { username: 'alice' });
      expect(invite?.uri).toBe(`xmpp:alice@${server.domain}?register;preauth=${invite?.token}`);
      expect(invite?.username).toBe('alice');
      expect(await signUp(server, 'mallory', invite?.token)).toMatchObject({ ok: false, stage: 'register', text: 'This invite is for the account alice only' });
      expect(await signUp(server, 'alice', invite?.token)).toEqual({ ok: true });
    });
  });

  it('refuses, at registration, an invite that expired after it was shown', async () => {
    const server = fixture();
    await signedIn(server, async (session) => {
      const [invite] = await createInvites(session, { expires: 3, note: 'expires while shown' });
      const late = await preauthorize(server, invite?.token ?? '');
      try {
        await eventually(async () => ((await listInvites(session, { query: 'expires while shown' })).rows[0]?.state === 'expired' ? true : undefined), 'the invite to expire');
        expect(await late.register('toolate', 'late-pw')).toEqual({ ok: false, stage: 'register', condition: 'not-allowed', text: 'This invite has expired' });
      } finally {
        late.close();
      }
    });
  });

  it('answers a role the server does not have at once, on 13 and on 0.12', async () => {
    const server = fixture();
    await signedIn(server, async (session) => {
      const stage = await tryCreate(session, { role: 'prosody:nobody' });
      // 13 knows a fixed set of roles; 0.12 gives no name but its own a meaning, nor a rank it could keep after an upgrade.
      expect(errorNote(stage)).toBe(
        server.version === '13' ? 'There is no role prosody:nobody on invites.test.' : "Prosody 0.12 knows no role prosody:nobody: an invite may give one of Prosody's own roles.",
      );
    });
  });

  it("refuses a role above the requester's own, and offers only those at or below it, on 13 and on 0.12", async () => {
    const server = fixture();
    const [invite] = await signedIn(server, (session) => createInvites(session, { role: 'prosody:admin' }));
    expect(await signUp(server, 'hostadmin', invite?.token)).toEqual({ ok: true });
    // An admin of this host only, unlike the config's admins, who administer the whole server (operators on 13).
    await signedIn(
      server,
      async (hostAdmin) => {
        expect(roleChoices((await command(hostAdmin, NODES.create)).form)).toEqual(['', 'prosody:guest', 'prosody:registered', 'prosody:member', 'prosody:admin']);
        expect(errorNote(await tryCreate(hostAdmin, { role: 'prosody:operator' }))).toBe('You may not grant a role above your own.');
        expect((await createInvites(hostAdmin, { role: 'prosody:admin' }))[0]?.role).toBe('prosody:admin');
      },
      { username: 'hostadmin', password: 'hostadmin-pw' },
    );
  });

  it('creates a batch of distinct invites that all work', async () => {
    const server = fixture();
    await signedIn(server, async (session) => {
      const batch = await createInvites(session, { count: 20, note: 'print kit', expires: 3600 });
      expect(batch).toHaveLength(20);
      expect(new Set(batch.map((i) => i.id)).size).toBe(20);
      expect(new Set(batch.map((i) => i.token)).size).toBe(20);
      for (const invite of batch) {
        expect(invite.id).toMatch(/^[0-9a-f]{16}$/);
        expect(invite.uri).toBe(`xmpp:${server.domain}?register;preauth=${invite.token}`);
        expect(invite.expires).toMatch(ISO_TIME);
        expect(Date.parse(invite.expires ?? '') - Date.parse(invite.created ?? '')).toBe(3_600_000);
      }
      const outcomes = await Promise.all(batch.map((invite, i) => signUp(server, `kit${i}`, invite.token)));
      expect(outcomes.every((o) => o.ok)).toBe(true);
      expect((await listInvites(session, { query: 'print kit', state: 'used' })).total).toBe(20);
    });
  });

  it('creates batches of 1, 2 and 100 with a role, a note, an expiry and a use limit, each invite stored on its own', async () => {
    const server = fixture();
    await signedIn(server, async (session) => {
      for (const count of [1, 2, 100]) {
        const note = `batch of ${count}`;
        const batch = await createInvites(session, { count, role: 'prosody:admin', note, expires: 7200, maxUses: 3 });
        expect(batch, note).toHaveLength(count);
        for (const invite of batch) {
          expect(invite).toMatchObject({ role: 'prosody:admin', note, maxUses: 3, state: 'pending' });
          expect(Date.parse(invite.expires ?? '') - Date.parse(invite.created ?? '')).toBe(7_200_000);
        }
        // What was stored, read back: every invite of the batch, with its options.
        const { rows } = await listInvites(session, { query: note });
        expect(rows.map((r) => [r.role, r.note, r.maxUses, r.state])).toEqual(batch.map(() => ['prosody:admin', note, 3, 'pending']));
      }
      // The last batch's role works: an account made with one of its invites is an admin.
      const [last] = (await listInvites(session, { query: 'batch of 100', limit: 1 })).rows;
      const token = tokenOf(last?.uri);
      expect(await signUp(server, 'batchboss', token)).toEqual({ ok: true });
      expect(await signedIn(server, adminFeatures, { username: 'batchboss', password: 'batchboss-pw' })).toEqual(ALL_FEATURES);
    });
  });

  it('makes invites that never expire, grant a role, reset a password or make a contact', async () => {
    const server = fixture();
    await signedIn(server, async (session) => {
      const [forever] = await createInvites(session, { expires: 0 });
      expect(forever?.expires).toBeUndefined();

      const [boss] = await createInvites(session, { role: 'prosody:admin' });
      expect(boss?.role).toBe('prosody:admin');
      expect(await signUp(server, 'boss', boss?.token)).toEqual({ ok: true });
      // The role made the new account an admin: the module's commands work for it.
      await signedIn(server, async (bossSession) => expect((await listInvites(bossSession)).total).toBeGreaterThan(0), { username: 'boss', password: 'boss-pw' });

      const [reset] = await createInvites(session, { kind: 'reset', username: member.username });
      expect(reset).toMatchObject({ kind: 'reset', username: member.username, maxUses: 1 });
      expect(reset?.uri).toBe(`xmpp:member@${server.domain}?register;preauth=${reset?.token}`);
      expect(await signUp(server, member.username, reset?.token, 'member-new-password')).toEqual({ ok: true });
      await signedIn(server, () => Promise.resolve(), { username: member.username, password: 'member-new-password' });
      expect((await listInvites(session, { query: reset?.id ?? '-' })).rows[0]).toMatchObject({ state: 'used', usedBy: [{ jid: `member@${server.domain}` }] });

      const [contact] = await createInvites(session, { kind: 'contact' });
      expect(contact?.uri).toBe(`xmpp:admin@${server.domain}?roster;preauth=${contact?.token};ibr=y`);
      expect(contact).toMatchObject({ kind: 'contact', createdBy: `admin@${server.domain}` });
      expect(await signUp(server, 'friend', contact?.token)).toEqual({ ok: true });
    });
  });

  it('answers bad input with an error note that says what is wrong', async () => {
    const server = fixture();
    await signedIn(server, async (session) => {
      const cases: [CreateOptions, RegExp][] = [
        [{ kind: 'party' }, /Kind must be account, reset or contact/],
        [{ count: 0 }, /How many must be a whole number from 1 to 500/],
        [{ count: 501 }, /How many must be a whole number from 1 to 500/],
        [{ expires: -5 }, /Valid for must be a whole number of seconds/],
        [{ maxUses: 1.5 }, /Accounts per invite must be a whole number/],
        [{ username: 'no spaces@here' }, /is not a valid account name/],
        [{ username: member.username }, /The account member already exists/],
        [{ username: 'carol', count: 2 }, /Only one account can be named carol/],
        [{ kind: 'reset' }, /A reset invite needs the account name/],
        [{ kind: 'reset', username: 'nobody' }, /There is no account nobody on invites\.test/],
        [{ kind: 'reset', username: member.username, role: 'prosody:admin' }, /A password reset grants no role/],
        [{ kind: 'contact', maxUses: 5 }, /A contact invite works once/],
        [{ note: 'x'.repeat(501) }, /The note is longer than 500 characters/],
        [{ role: 'not a role!' }, /A role is a name such as prosody:admin/],
      ];
      for (const [options, message] of cases) expect(errorNote(await tryCreate(session, options)), JSON.stringify(options)).toMatch(message);
      expect(errorNote(await run(session, NODES.policy, NS.policy, { mode: 'sometimes' }))).toMatch(/must be open, approval, invite-only or closed/);
      expect(errorNote(await run(session, NODES.policy, NS.policy, {}))).toMatch(/Who may create an account: Required value missing/);
      expect(errorNote(await run(session, NODES.revoke, NS.invites, { ids: ['0123456789abcdef'] }))).toMatch(/No invite has the id 0123456789abcdef\. Nothing was revoked/);
      expect(errorNote(await run(session, NODES.list, NS.invites, { state: 'lost' }))).toMatch(/State must be all, pending/);
      expect(errorNote(await run(session, NODES.list, NS.invites, { limit: '5000' }))).toMatch(/Show at most one from 1 to 1000/);
    });
  });
});

describe('mod_invite_desk: the ledger', () => {
  const fixture = prosodyFixture({ domain: 'ledger.test', ...withModule });

  it('lists the invites that give one role, or any role', async () => {
    const server = fixture();
    await signedIn(server, async (session) => {
      const [boss] = await createInvites(session, { role: 'prosody:admin', note: 'by role' });
      const [helper] = await createInvites(session, { role: 'prosody:member', note: 'by role' });
      await createInvites(session, { note: 'by role' });
      const ids = async (role: string): Promise<string[]> => (await listInvites(session, { query: 'by role', role })).rows.map((r) => r.id).sort();
      expect(await ids('prosody:admin')).toEqual([boss?.id]);
      expect(await ids('*')).toEqual([boss?.id, helper?.id].sort());
      expect((await listInvites(session, { query: 'by role' })).total).toBe(3);
    });
  });

  it('shows every invite, made by any means, as pending, used, expired or revoked', async () => {
    const server = fixture();
    await signedIn(server, async (session) => {
      const [pending] = await createInvites(session, { note: 'still pending' });
      const [forever] = await createInvites(session, { note: 'for the poster', expires: 0 });
      const [short] = await createInvites(session, { note: 'short lived', expires: 1 });
      const [used] = await createInvites(session, { note: 'used once' });
      const [door] = await createInvites(session, { note: 'open door', maxUses: 0 });
      const [gone, alsoGone] = await createInvites(session, { note: 'to revoke', count: 2 });
      expect(await signUp(server, 'usedonce', used?.token)).toEqual({ ok: true });
      expect(await signUp(server, 'door1', door?.token)).toEqual({ ok: true });
      expect(await signUp(server, 'door2', door?.token)).toEqual({ ok: true });

      // Made outside the module: with prosodyctl (then used), and with Prosody's own ad-hoc command.
      expect(await signUp(server, 'fromcli', await server.createInviteWithCli())).toEqual({ ok: true });
      const pendingCli = await server.createInviteWithCli();
      const stockToken = tokenOf(fieldValues((await command(session, 'urn:xmpp:invite#create-account')).form, 'uri')[0]);
      expect(stockToken).toBeDefined();

      expect(await revokeInvites(session, [gone?.id ?? '', alsoGone?.id ?? ''])).toBe('Revoked 2 invites.');
      expect(await signUp(server, 'toolate', gone?.token)).toMatchObject({ ok: false, stage: 'preauth', condition: 'forbidden' });
      expect(await revokeInvites(session, [used?.id ?? ''])).toBe('Revoked 0 invites. 1 had been used up already.');

      const all = await eventually(async () => {
        const page = await listInvites(session);
        return page.rows.find((r) => r.id === short?.id)?.state === 'expired' ? page : undefined;
      }, 'the one-second invite to expire');
      const byId = (invite: CreatedInvite | undefined): LedgerRow | undefined => all.rows.find((r) => r.id === invite?.id);
      expect(byId(pending)).toMatchObject({ state: 'pending', uri: pending?.uri, note: 'still pending', source: 'invite-desk', createdBy: `admin@${server.domain}`, uses: 0 });
      expect(byId(forever)).toMatchObject({ state: 'pending' });
      expect(byId(forever)?.expires).toBeUndefined();
      expect(byId(short)).toMatchObject({ state: 'expired' });
      expect(byId(short)?.uri).toBeUndefined();
      expect(byId(used)).toMatchObject({ state: 'used', uses: 1, usedBy: [{ jid: `usedonce@${server.domain}` }] });
      expect(byId(used)?.usedBy[0]?.at).toMatch(ISO_TIME);
      expect(byId(door)).toMatchObject({ state: 'pending', uses: 2 });
      expect(byId(door)?.maxUses).toBeUndefined();
      expect(byId(gone)).toMatchObject({ state: 'revoked', note: 'to revoke' });
      expect(byId(gone)?.uri).toBeUndefined();
      const fromCli = all.rows.find((r) => r.usedBy.some((u) => u.jid === `fromcli@${server.domain}`));
      expect(fromCli).toMatchObject({ state: 'used', source: 'prosodyctl', kind: 'account', maxUses: 1 });
      expect(all.rows.find((r) => r.uri?.includes(pendingCli))).toMatchObject({ state: 'pending', source: 'prosodyctl' });
      expect(all.rows.find((r) => r.uri?.includes(stockToken ?? '-'))).toMatchObject({ state: 'pending', source: 'adhoc', createdBy: `admin@${server.domain}` });
      // Public ids are short hashes, never tokens.
      for (const row of all.rows) expect(row.id).toMatch(/^[0-9a-f]{16}$/);

      expect((await listInvites(session, { state: 'used' })).rows.map((r) => r.id).sort()).toEqual([used?.id, fromCli?.id].sort());
      expect((await listInvites(session, { query: 'DOOR2' })).rows.map((r) => r.id)).toEqual([door?.id]);
      expect((await listInvites(session, { state: 'revoked', query: 'revoke' })).total).toBe(2);

      expect(await purgeExpired(session)).toBe('Purged 1 expired invite.');
      expect((await listInvites(session)).rows.find((r) => r.id === short?.id)).toBeUndefined();
    });
  });

  it('answers revocations and purges with their counts in form fields, and a second revocation with who revoked it first', async () => {
    const server = fixture();
    await signedIn(server, async (session) => {
      const [first, second, third] = await createInvites(session, { note: 'counted', count: 3 });
      const [spent] = await createInvites(session, { note: 'counted' });
      expect(await signUp(server, 'counted1', spent?.token)).toEqual({ ok: true });
      const done = await revokeOutcome(session, [first?.id ?? '', spent?.id ?? '']);
      expect(done).toMatchObject({ revoked: 1, usedUp: [spent?.id], alreadyRevoked: [] });
      expect(done.stage.notes).toEqual([{ type: 'info', text: 'Revoked 1 invite. 1 had been used up already.' }]);

      // Revoked a moment ago, by this admin or another: an error that says by whom and when, not a success.
      const again = await revokeOutcome(session, [first?.id ?? '']);
      expect(errorNote(again.stage)).toMatch(new RegExp(`^Already revoked: ${first?.id} by admin@${server.domain} at \\d{4}-\\d\\d-\\d\\dT`));
      expect(again).toMatchObject({ revoked: 0, usedUp: [] });
      expect(fieldValues(again.stage.form, 'conflict')).toEqual(['1']);
      expect(fieldValues(done.stage.form, 'conflict')).toEqual([]);
      expect(again.alreadyRevoked).toEqual([expect.stringMatching(new RegExp(`^${first?.id} admin@${server.domain} \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$`))]);
      // Some of a batch revoked before: the rest are revoked, and the answer says which were not.
      const mixed = await revokeOutcome(session, [first?.id ?? '', second?.id ?? '']);
      expect(mixed).toMatchObject({ revoked: 1, usedUp: [] });
      expect(mixed.alreadyRevoked).toHaveLength(1);
      expect(mixed.stage.notes).toEqual([{ type: 'info', text: 'Revoked 1 invite. 1 had been revoked already.' }]);

      const purge = await command(session, NODES.purge);
      expect(fieldValues(purge.form, 'purged')).toEqual([expect.stringMatching(/^\d+$/)]);
      expect(fieldValues(purge.form, 'dropped')).toEqual(['0']);
      expect(fieldValues(purge.form, 'ledger-days')).toEqual(['365']);
      expect((await listInvites(session, { query: 'counted', state: 'pending' })).rows.map((r) => r.id)).toEqual([third?.id]);
    });
  });

  it('pages through the ledger, newest first', async () => {
    const server = fixture();
    await signedIn(server, async (session) => {
      const made = await createInvites(session, { count: 12, note: 'paged' });
      const pages = await Promise.all([0, 5, 10].map((offset) => listInvites(session, { query: 'paged', offset, limit: 5 })));
      expect(pages.map((p) => p.rows.length)).toEqual([5, 5, 2]);
      expect(pages.every((p) => p.total === 12)).toBe(true);
      expect(new Set(pages.flatMap((p) => p.rows.map((r) => r.id)))).toEqual(new Set(made.map((i) => i.id)));
      // Invites made elsewhere and already used have no known creation time: their first use stands in.
      const times = (await listInvites(session)).rows.map((r) => Date.parse(r.created ?? r.usedBy[0]?.at ?? ''));
      expect(times.every(Number.isFinite)).toBe(true);
      expect(times).toEqual([...times].sort((a, b) => b - a));
    });
  });

  it('filters by kind and creator, sorts by age, expiry or uses, and pages what it found', async () => {
    const server = fixture();
    await signedIn(server, async (session) => {
      const [later] = await createInvites(session, { note: 'sorting', expires: 3000 });
      const [soon] = await createInvites(session, { note: 'sorting', expires: 1000, maxUses: 0 });
      const [contact] = await createInvites(session, { note: 'sorting', kind: 'contact', username: member.username });
      expect(await signUp(server, 'sorted1', soon?.token)).toEqual({ ok: true });
      expect(await signUp(server, 'sorted2', soon?.token)).toEqual({ ok: true });
      const fromCli = await server.createInviteWithCli();
      const ids = async (filter: Parameters<typeof listInvites>[1]): Promise<(string | undefined)[]> => (await listInvites(session, filter)).rows.map((r) => r.id);

      expect(await ids({ query: 'sorting', sort: 'expires' })).toEqual([soon?.id, later?.id, contact?.id]);
      expect((await ids({ query: 'sorting', sort: 'uses' }))[0]).toBe(soon?.id);
      expect(await ids({ query: 'sorting', kind: 'contact' })).toEqual([contact?.id]);
      expect(new Set(await ids({ query: 'sorting', kind: 'account' }))).toEqual(new Set([soon?.id, later?.id]));
      expect(await listInvites(session, { query: 'sorting', sort: 'expires', offset: 1, limit: 1 })).toMatchObject({ total: 3, rows: [{ id: later?.id }] });
      expect(new Set(await ids({ query: 'sorting', createdBy: 'ADMIN@' }))).toEqual(new Set([soon?.id, later?.id, contact?.id]));
      const byCli = (await listInvites(session, { createdBy: 'prosodyctl' })).rows;
      expect(byCli.some((r) => r.uri?.includes(fromCli))).toBe(true);
      expect(byCli.every((r) => r.source === 'prosodyctl')).toBe(true);
      const times = (await listInvites(session, { sort: 'oldest' })).rows.map((r) => Date.parse(r.created ?? r.usedBy[0]?.at ?? ''));
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(errorNote(await run(session, NODES.list, NS.invites, { sort: 'sideways' }))).toBe('Order must be newest, oldest, expires or uses.');
      expect(errorNote(await run(session, NODES.list, NS.invites, { kind: 'gift' }))).toBe('Kind must be all, account, reset or contact.');
    });
  });
});

describe('mod_invite_desk: pages near the top of a long ledger', () => {
  const fixture = prosodyFixture({ domain: 'long-ledger.test', ...withModule });

  it('orders each page as the whole list does, in every order, for pages picked from the top and for the whole', async () => {
    const server = fixture();
    await server.seedInvites(600);
    await signedIn(server, async (session) => {
      const [door] = await createInvites(session, { note: 'reused', maxUses: 0, expires: 0 });
      const [soon] = await createInvites(session, { note: 'soon', expires: 60 });
      for (const name of ['reuse1', 'reuse2']) expect(await signUp(server, name, door?.token)).toEqual({ ok: true });
      expect(await signUp(server, 'once', soon?.token)).toEqual({ ok: true });
      for (const sort of ['newest', 'oldest', 'expires', 'uses'] as const) {
        // 1,000 rows: the whole list, sorted whole. 10 rows from near the top: picked by the module's heap.
        const whole = await listInvites(session, { sort, limit: 1000 });
        expect(whole.total).toBe(602);
        const pages = await Promise.all([0, 10, 20, 30].map((offset) => listInvites(session, { sort, offset, limit: 10 })));
        expect(pages.flatMap((p) => p.rows.map((r) => r.id))).toEqual(whole.rows.slice(0, 40).map((r) => r.id));
        expect(pages.every((p) => p.total === 602)).toBe(true);
      }
      const top = (await listInvites(session, { sort: 'uses', limit: 2 })).rows;
      expect(top.map((r) => r.id)).toEqual([door?.id, soon?.id]);
    });
  });
});

describe('mod_invite_desk: a listing reuses its read of an unchanged invite store', () => {
  const fixture = prosodyFixture({ domain: 'reread.test', ...withModule, extraConfig: 'invite_desk_log_timings = true' });
  const storeReads = async (server: ProsodyServer): Promise<number> => (await server.log()).split('\n').filter((line) => line.includes('Read the invite store in')).length;
  /** Lists until a listing reads nothing: the store has gone unchanged long enough to be trusted. */
  async function settled(server: ProsodyServer, session: Session): Promise<void> {
    await eventually(async () => {
      const before = await storeReads(server);
      await listInvites(session);
      return (await storeReads(server)) === before ? true : undefined;
    }, 'a listing that reuses the last read');
  }

  it('reads the store again once anything changed it: the module, the command line, or an edit that keeps its size and time', async () => {
    const server = fixture();
    await signedIn(server, async (session) => {
      const [made] = await createInvites(session, { note: 'kept' });
      await settled(server, session);
      const reads = await storeReads(server);
      expect((await listInvites(session, { query: 'kept' })).rows.map((r) => r.id)).toEqual([made?.id]);
      expect(await storeReads(server)).toBe(reads);

      // Written by another process on 0.12, by the server's shell on 13: listed at once.
      const fromCli = await server.createInviteWithCli();
      expect((await listInvites(session, { createdBy: 'prosodyctl' })).rows.some((r) => r.uri?.includes(fromCli))).toBe(true);
      expect(await storeReads(server)).toBe(reads + 1);

      // Rewritten to the same length, in place on internal storage with its modification time put back, or
      // row by row on SQL: the invite's token replaced by another (tokens never change, so it is another invite) is still seen.
      await settled(server, session);
      const token = made?.token ?? '';
      const swapped = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
      await server.changeHostData(async (hostDir) => {
        const file = join(hostDir, 'invite_token.dat');
        const { mtime, atime } = await stat(file);
        await writeFile(file, (await readFile(file, 'utf8')).replaceAll(token, swapped));
        await utimes(file, atime, mtime);
      }, ['invite_token']);
      // Into the next second, where a file changed in this one counts as settled.
      await new Promise((wake) => setTimeout(wake, 1_050 - (Date.now() % 1_000)));
      const [renamed] = (await listInvites(session, { query: 'kept' })).rows;
      expect(renamed?.uri).toContain(swapped);
      expect(renamed?.id).not.toBe(made?.id);
    });
  });
});

/** A ledger record, as mod_invite_desk stores it, of an account invite Prosody no longer holds. */
function spentRecord(id: string, note: string, server: ProsodyServer, spentAt: number, how: 'used' | 'revoked'): string {
  const uses = how === 'used' ? `{ { ["username"] = "gone${id.slice(0, 4)}"; ["at"] = ${spentAt}; } }` : '{}';
  const revoked = how === 'revoked' ? `["revoked_at"] = ${spentAt}; ["revoked_by"] = "${server.adminJid()}";` : '';
  return `return { ["invite"] = { ["id"] = "${id}"; ["kind"] = "account"; ["note"] = "${note}"; ["created_at"] = ${spentAt - 3600}; ` +
    `["max_uses"] = 1; ["source"] = "invite-desk"; ["created_by"] = "${server.adminJid()}"; }; ["uses"] = ${uses}; ${revoked} };\n`;
}

describe('mod_invite_desk: a ledger kept for invite_desk_ledger_days', () => {
  // Prosody 13 runs daily tasks a second after start, which would prune before the test can look.
  const fixture = prosodyFixture({
    domain: 'retention.test',
    ...withModule,
    extraConfig: 'invite_desk_ledger_days = 30\ninvite_desk_keep_in_memory = 1\ncron_initial_delay = 86400',
  });
  const DAY = 86_400;
  const now = (): number => Math.floor(Date.now() / 1000);
  const oldUsed = 'a1a1a1a1a1a1a1a1';
  const oldRevoked = 'b2b2b2b2b2b2b2b2';
  const recentUsed = 'c3c3c3c3c3c3c3c3';

  /** Writes three spent records, two of them older than the 30 days kept, and makes `aged` look last used 40 days ago. */
  async function seedSpent(server: ProsodyServer, aged?: string): Promise<void> {
    await server.editHostData(async (hostDir) => {
      const folder = join(hostDir, 'invite_desk_ledger');
      await mkdir(folder, { recursive: true });
      await writeFile(join(folder, `${oldUsed}.dat`), spentRecord(oldUsed, 'old use', server, now() - 40 * DAY, 'used'));
      await writeFile(join(folder, `${oldRevoked}.dat`), spentRecord(oldRevoked, 'old revocation', server, now() - 40 * DAY, 'revoked'));
      await writeFile(join(folder, `${recentUsed}.dat`), spentRecord(recentUsed, 'recent use', server, now() - 20 * DAY, 'used'));
      if (aged !== undefined) {
        const file = join(folder, `${aged}.dat`);
        await writeFile(file, (await readFile(file, 'utf8')).replace(/\["at"\] = \d+/, `["at"] = ${now() - 40 * DAY}`));
      }
    }, ['invite_desk_ledger']);
  }
  /** The ids of the ledger records the server holds, whatever its storage. */
  const recordIds = (server: ProsodyServer): Promise<string[]> =>
    server.readHostData(
      async (hostDir) => (await readdir(join(hostDir, 'invite_desk_ledger')).catch(() => [])).filter((f) => f.endsWith('.dat')).map((f) => f.replace(/\.dat$/, '')).sort(),
      ['invite_desk_ledger'],
    );

  it('forgets invites Prosody no longer holds 30 days after their last activity, at a purge and at a listing, and keeps pending ones', async () => {
    const server = fixture();
    const { door, fresh } = await signedIn(server, async (session) => {
      const [door] = await createInvites(session, { note: 'open door', maxUses: 0, expires: 0 });
      const [fresh] = await createInvites(session, { note: 'used today' });
      expect(await signUp(server, 'walkin', door?.token)).toEqual({ ok: true });
      expect(await signUp(server, 'freshface', fresh?.token)).toEqual({ ok: true });
      return { door: door?.id ?? '', fresh: fresh?.id ?? '' };
    });
    const kept = [door, fresh, recentUsed].sort();

    // The purge drops what is past its time, and says so.
    await seedSpent(server, door);
    expect(await recordIds(server)).toEqual([door, fresh, oldUsed, oldRevoked, recentUsed].sort());
    await signedIn(server, async (session) => {
      expect(await purgeExpired(session)).toBe('Purged 0 expired invites. Dropped 2 ledger records older than 30 days.');
      expect(await recordIds(server)).toEqual(kept);
      const { rows } = await listInvites(session);
      expect(rows.map((r) => r.id).sort()).toEqual(kept);
      // A reusable invite still held stays, with its old use, however long ago that was.
      expect(rows.find((r) => r.id === door)).toMatchObject({ state: 'pending', uses: 1, usedBy: [{ jid: `walkin@${server.domain}` }] });
      expect(rows.find((r) => r.id === recentUsed)).toMatchObject({ state: 'used', note: 'recent use' });
    });

    // So does any listing.
    await seedSpent(server);
    await signedIn(server, async (session) => {
      expect((await listInvites(session, { state: 'all' })).rows.map((r) => r.id).sort()).toEqual(kept);
      expect(await recordIds(server)).toEqual(kept);
      expect(await purgeExpired(session)).toBe('Purged 0 expired invites.');
    });
  });

  it('lets go of its copy in memory once unused, and reads the ledger again when asked', async () => {
    const server = fixture();
    const releases = async (): Promise<number> => (await server.log()).split('\n').filter((line) => line.includes("Let go of the ledger's copy in memory")).length;
    await signedIn(server, async (session) => {
      const [made] = await createInvites(session, { note: 'remembered' });
      const before = await releases();
      const first = await listInvites(session, { query: 'remembered' });
      expect(first.rows.map((r) => r.id)).toEqual([made?.id]);
      await eventually(async () => ((await releases()) > before ? true : undefined), 'the ledger copy to be let go');
      expect(await listInvites(session, { query: 'remembered' })).toEqual(first);
      await eventually(async () => ((await releases()) > before + 1 ? true : undefined), 'the second copy to be let go');
    });
  });
});

describe('mod_invite_desk: who made a password reset', () => {
  const fixture = prosodyFixture({ domain: 'resets.test', ...withModule });

  it('names the admin behind a reset made with Prosody\'s own ad-hoc command, and the command line behind one made there', async () => {
    const server = fixture();
    await signedIn(server, async (session) => {
      const fromCli = await cliResetInvite(server, member.username);
      const rows = async (): Promise<LedgerRow[]> => (await listInvites(session, { state: 'pending' })).rows;
      expect((await rows()).find((r) => r.uri?.includes(fromCli))).toMatchObject({ kind: 'reset', username: member.username, source: 'prosodyctl' });
      // Prosody 13 has an ad-hoc command for resets too, and it records nobody as the maker.
      if (server.version === '13') {
        const stage = await run(session, 'xmpp:prosody.im/mod_invites_adhoc#password-reset', 'urn:xmpp:invite', { accountjid: `${forgetful.username}@${server.domain}` });
        const fromAdhoc = tokenOf(fieldValues(stage.form, 'uri')[0]);
        expect(fromAdhoc).toBeDefined();
        expect((await rows()).find((r) => r.uri?.includes(fromAdhoc ?? '-'))).toMatchObject({
          kind: 'reset',
          username: forgetful.username,
          source: 'adhoc',
          createdBy: `admin@${server.domain}`,
        });
      }
    });
  });
});

describe('mod_invite_desk: invites made before an upgrade to 13', () => {
  const fixture = prosodyFixture({ domain: 'upgrade.test', ...withModule });

  it('grants the role of a pending invite stored as Prosody 0.12 stores roles', async () => {
    const server = fixture();
    const token = 'upgrade0000000000000001';
    const now = Math.floor(Date.now() / 1000);
    // What 0.12's `prosodyctl mod_invites generate --admin` stores: the roles as a set of names.
    const stored =
      `return { [${JSON.stringify(token)}] = { ["type"] = "register"; ["jid"] = "${server.domain}"; ["token"] = ${JSON.stringify(token)}; ` +
      `["allow_registration"] = true; ["created_at"] = ${now}; ["expires"] = ${now + 86400}; ` +
      `["uri"] = "xmpp:${server.domain}?register;preauth=${token}"; ["additional_data"] = { ["roles"] = { ["prosody:admin"] = true; }; }; }; };\n`;
    await server.editHostData((hostDir) => writeFile(join(hostDir, 'invite_token.dat'), stored));
    expect(await signUp(server, 'promoted', token)).toEqual({ ok: true });
    // Only an admin may read the policy.
    expect(await signedIn(server, readPolicy, { username: 'promoted', password: 'promoted-pw' })).toBe('invite-only');
    expect(await server.log()).not.toMatch(/legacy, migration required/);
  });
});

describe('mod_invite_desk: landing pages', () => {
  const fixture = prosodyFixture({
    domain: 'pages.test',
    ...withModule,
    modules: [...withModule.modules, 'invites_page'],
    extraConfig: 'http_external_url = "https://pages.test/"',
  });

  it('fires invite-created, so mod_invites_page gives each invite its landing page', async () => {
    const server = fixture();
    await signedIn(server, async (session) => {
      const batch = await createInvites(session, { count: 3 });
      for (const invite of batch) expect(invite.landingUrl).toBe(`https://pages.test/invites_page?${invite.token}`);
      expect((await listInvites(session)).rows.map((r) => r.landingUrl).sort()).toEqual(batch.map((i) => i.landingUrl).sort());
    });
  });
});

describe('mod_invite_desk: sign-up events', () => {
  const fixture = prosodyFixture({ domain: 'events.test', ...withModule });

  it('delivers live events, then those missed while away once each and in order', async () => {
    const server = fixture();
    const { invites, cursor } = await signedIn(
      server,
      async (first) => {
        expect(await subscribe(first)).toEqual({ complete: true, gap: false, policy: 'invite-only', signups: [] });
        const made = await createInvites(first, { count: 4, note: 'spring' });
        expect(await signUp(server, 'live1', made[0]?.token)).toEqual({ ok: true });
        const live = await first.waitFor(liveSignup(server.domain, 'live1'), 'the live event');
        expect(live).toMatchObject({ jid: `live1@${server.domain}`, ip: '127.0.0.1', invite: made[0]?.id, inviter: `admin@${server.domain}`, note: 'spring' });
        expect(live.source).toBeUndefined();
        expect(live.role).toBeUndefined();
        expect(live.time).toMatch(ISO_TIME);
        expect(live.id).toBeDefined();
        return { invites: made, cursor: live.id };
      },
      admin,
      'app',
    );

    // Missed while the app is away, and after it is back (same resource) but before it subscribes.
    expect(await signUp(server, 'missed1', invites[1]?.token)).toEqual({ ok: true });
    expect(await signUp(server, 'missed2', await server.createInviteWithCli())).toEqual({ ok: true });
    const back = await signIn(server, admin, 'app');
    try {
      expect(await signUp(server, 'missed3', invites[2]?.token)).toEqual({ ok: true });
      const caughtUp = await subscribe(back, cursor);
      expect(caughtUp.complete).toBe(true);
      expect(caughtUp.signups.map((s) => s.username)).toEqual(['missed1', 'missed2', 'missed3']);
      expect(caughtUp.signups[1]).toMatchObject({ source: 'prosodyctl', inviter: undefined, note: null });
      expect(new Set(caughtUp.signups.map((s) => s.id)).size).toBe(3);
      // The old session's subscription ended with it: nothing came live before the catch-up.
      expect(headlineSignups(back)).toEqual([]);

      expect(await signUp(server, 'live2', invites[3]?.token)).toEqual({ ok: true });
      await back.waitFor(liveSignup(server.domain, 'live2'), 'the next live event');
      // Nothing waits in offline storage either: events go to full JIDs only.
      await back.client.entity.send(xml('presence'));
      await roundTrip(back);
      expect(back.received.filter((s) => s.is('message') && s.getChild('signup', NS.events) && s.getChild('delay', 'urn:xmpp:delay'))).toEqual([]);
      const liveOnes = headlineSignups(back);
      expect(liveOnes.map((s) => s.username)).toEqual(['live2']);
      expect(await subscribe(back, liveOnes[0]?.id)).toMatchObject({ complete: true, signups: [] });
    } finally {
      await back.stop();
    }
  });

  it('pages a long catch-up, and goes live only once caught up', async () => {
    const server = fixture();
    await signedIn(server, async (session) => {
      await setPolicy(session, 'open');
      const earlier = (await subscribe(session, undefined, 1000)).signups.map((s) => s.username);
      for (const name of ['page1', 'page2', 'page3']) expect(await signUp(server, name)).toEqual({ ok: true });
      await session.waitFor(liveSignup(server.domain, 'page3'), 'the live events');
      const liveBefore = headlineSignups(session).length;

      const collected: string[] = [];
      let page = await subscribe(session, undefined, 2);
      expect(page.complete).toBe(false);
      // Not subscribed while catching up: this sign-up comes with the history, not live.
      expect(await signUp(server, 'during')).toEqual({ ok: true });
      for (;;) {
        collected.push(...page.signups.map((s) => s.username));
        if (page.complete) break;
        page = await subscribe(session, page.signups.at(-1)?.id, 2);
      }
      expect(collected).toEqual([...earlier, 'page1', 'page2', 'page3', 'during']);
      expect(headlineSignups(session)).toHaveLength(liveBefore);
      expect(await signUp(server, 'after')).toEqual({ ok: true });
      await session.waitFor(liveSignup(server.domain, 'after'), 'the live event once caught up');

      const gap = await subscribe(session, 'not-an-event-id', 1000);
      expect(gap.gap).toBe(true);
      expect(gap.signups.map((s) => s.username)).toEqual([...collected, 'after']);
      expect(await refusal(request(session, 'set', xml('subscribe', { xmlns: NS.events, max: '0' })))).toBe('bad-request');
      await setPolicy(session, 'invite-only');
    });
  });

  it('stops live events on unsubscribe', async () => {
    const server = fixture();
    const quitter = await signIn(server, admin, 'quitter');
    const witness = await signIn(server, admin, 'witness');
    try {
      await subscribe(quitter);
      await subscribe(witness);
      await unsubscribe(quitter);
      const [invite] = await createInvites(witness);
      expect(await signUp(server, 'unseen', invite?.token)).toEqual({ ok: true });
      await witness.waitFor(liveSignup(server.domain, 'unseen'), 'the event in the subscribed session');
      await roundTrip(quitter);
      expect(headlineSignups(quitter)).toEqual([]);
    } finally {
      await quitter.stop();
      await witness.stop();
    }
  });

  it('says the role a sign-up got from its invite', async () => {
    const server = fixture();
    const event = await signedIn(server, async (session) => {
      const [helper] = await createInvites(session, { role: 'prosody:member' });
      expect((await subscribe(session)).complete).toBe(true);
      expect(await signUp(server, 'helper1', helper?.token)).toEqual({ ok: true });
      return session.waitFor(liveSignup(server.domain, 'helper1'), 'the event of a sign-up with a role');
    });
    expect(event.role).toBe('prosody:member');
  });
});

describe('mod_invite_desk: a bounded history', () => {
  const fixture = prosodyFixture({ domain: 'history.test', ...withModule, extraConfig: 'invite_desk_history_size = 5' });

  it('keeps only the newest events, and says so to a cursor that fell out', async () => {
    const server = fixture();
    await signedIn(server, async (session) => {
      await setPolicy(session, 'open');
      expect(await signUp(server, 'first')).toEqual({ ok: true });
      const [first] = (await subscribe(session)).signups;
      for (let i = 1; i <= 6; i++) expect(await signUp(server, `next${i}`)).toEqual({ ok: true });
      const kept = await subscribe(session);
      // Trimmed by a tenth of its size at once when full: between 4 and 5 events.
      expect(kept.signups.map((s) => s.username)).toEqual(['next2', 'next3', 'next4', 'next5', 'next6']);
      const fallen = await subscribe(session, first?.id);
      expect(fallen).toMatchObject({ gap: true, complete: true });
      expect(fallen.signups).toEqual(kept.signups);
    });
  });
});

describe('mod_invite_desk: the history at its default size', () => {
  const fixture = prosodyFixture({ domain: 'full.test', ...withModule });

  it('keeps recording sign-ups once 10,000 events fill it, trimmed by a tenth', async () => {
    const server = fixture();
    await seedHistory(server, 10_000);
    await signedIn(server, async (session) => {
      await setPolicy(session, 'open');
      expect(await signUp(server, 'overflow')).toEqual({ ok: true });
      expect((await subscribe(session, seedKey(9_999))).signups.map((s) => s.username)).toEqual(['overflow']);
      expect(await subscribe(session, seedKey(999), 1)).toMatchObject({ gap: true, signups: [{ id: seedKey(1_000) }] });
      expect(await subscribe(session, seedKey(1_000), 1)).toMatchObject({ gap: false, complete: false, signups: [{ id: seedKey(1_001) }] });
    });
  });
});

describe('mod_invite_desk: a long catch-up', () => {
  const fixture = prosodyFixture({ domain: 'catchup.test', ...withModule });

  it('reads the archive once for a catch-up of many pages, and keeps up with sign-ups meanwhile', async () => {
    const server = fixture();
    await seedHistory(server, 3_000);
    const reads = async (): Promise<number> => (await server.log()).split('\n').filter((line) => line.includes('sign-up events for catching up')).length;
    const before = await reads();
    await signedIn(server, async (session) => {
      await setPolicy(session, 'open');
      const ids: (string | undefined)[] = [];
      let page = await subscribe(session, seedKey(0), 1000);
      expect(page.gap).toBe(false);
      expect(await signUp(server, 'meanwhile')).toEqual({ ok: true });
      for (;;) {
        ids.push(...page.signups.map((s) => s.id));
        if (page.complete) break;
        page = await subscribe(session, page.signups.at(-1)?.id, 1000);
      }
      expect(ids).toHaveLength(3_000);
      expect(ids.slice(0, 2_999)).toEqual(Array.from({ length: 2_999 }, (_, i) => seedKey(i + 1)));
      expect(page.signups.at(-1)?.username).toBe('meanwhile');
      expect(await reads()).toBe(before + 1);
    });
  });
});

/** One activity entry of the internal archive's file, as the module appends it, `daysAgo` days old. */
function activityItem(server: ProsodyServer, key: string, daysAgo: number): string {
  const when = Math.floor(Date.now() / 1000) - daysAgo * 86_400;
  const stamp = new Date(when * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return (
    `item({ ["name"] = "activity"; ["attr"] = { ["xmlns"] = "${NS.activity}"; ["kind"] = "policy-changed"; ["mode"] = "open"; ` +
    `["by"] = "${server.adminJid()}"; ["time"] = "${stamp}"; ["stamp"] = "${stamp}"; }; ["key"] = "${key}"; ["when"] = ${when}; ["with"] = "${server.adminJid()}"; });\n`
  );
}

describe('mod_invite_desk: admins working at once, and the activity log', () => {
  const anna: Account = { username: 'anna', password: 'anna-password' };
  const spammer: Account = { username: 'spammer', password: 'spammer-password' };
  const fixture = prosodyFixture({
    domain: 'team.test',
    ...withModule,
    admins: [admin, anna],
    users: [member, spammer],
    // Prosody 13 runs daily tasks a second after start; the log's own pruning at load is what is tested.
    extraConfig: 'invite_desk_activity_days = 30\ncron_initial_delay = 86400',
  });
  const ADMIN_FORM = 'http://jabber.org/protocol/admin';

  it('tells each admin session what another admin did, as it happens, and logs it with who and when', async () => {
    const server = fixture();
    const desk = await signIn(server, admin, 'desk');
    const other = await signIn(server, anna, 'other');
    try {
      await subscribe(desk);
      await subscribe(other);
      const started = Date.now() - 1000;
      await setPolicy(desk, 'closed');
      const switched = await other.waitFor((stanza) => (liveActivity(server.domain, 'policy-changed')(stanza) ? stanza : undefined), 'the switch');
      // One message: the new policy, and the log entry naming who switched it.
      expect(switched.getChild('policy', NS.policy)?.attrs).toMatchObject({ mode: 'closed', by: server.adminJid() });
      expect(switched.getChild('activity', NS.activity)?.attrs).toMatchObject({ mode: 'closed', previous: 'invite-only', by: server.adminJid() });

      const made = await createInvites(desk, { count: 2, note: 'team' });
      const created = await other.waitFor(liveActivity(server.domain, 'invites-created'), 'the new invites');
      expect(created.attrs).toMatchObject({ count: '2', 'invite-kind': 'account', by: server.adminJid() });
      expect(created.getChildren('invite').map((i) => i.attrs.id)).toEqual(made.map((i) => i.id));

      await revokeInvites(desk, [made[0]?.id ?? '']);
      const revoked = await other.waitFor(liveActivity(server.domain, 'invites-revoked'), 'the revocation');
      expect(revoked.getChildren('invite').map((i) => i.attrs.id)).toEqual([made[0]?.id]);

      // Deleted with XEP-0133 from any client: the module hears of it from Prosody, and names the admin.
      const deleted = await run(other, `${ADMIN_FORM}#delete-user`, ADMIN_FORM, { accountjids: [`${spammer.username}@${server.domain}`] });
      expect(deleted.status).toBe('completed');
      const gone = await desk.waitFor(liveActivity(server.domain, 'account-deleted'), 'the deletion');
      expect(gone.attrs).toMatchObject({ account: `${spammer.username}@${server.domain}`, by: `anna@${server.domain}` });
      if (server.version === '13') {
        await run(other, `${ADMIN_FORM}#disable-user`, ADMIN_FORM, { accountjids: [`${member.username}@${server.domain}`] });
        expect((await desk.waitFor(liveActivity(server.domain, 'account-disabled'), 'the disabling')).attrs).toMatchObject({ by: `anna@${server.domain}` });
        await run(other, `${ADMIN_FORM}#reenable-user`, ADMIN_FORM, { accountjids: [`${member.username}@${server.domain}`] });
        await desk.waitFor(liveActivity(server.domain, 'account-enabled'), 'the enabling');
      }

      // A switch made from what the screen showed before the other admin's: refused, saying what happened.
      const late = await run(other, NODES.policy, NS.policy, { mode: 'invite-only', previous: 'invite-only' });
      expect(errorNote(late)).toMatch(new RegExp(`^Registration was switched to closed by admin@${server.domain} at \\d{4}-.*; nothing was changed\\.$`));
      expect(fieldValues(late.form, 'mode')).toEqual(['closed']);
      expect(fieldValues(late.form, 'changed-by')).toEqual([server.adminJid()]);
      expect(fieldValues(late.form, 'conflict')).toEqual(['1']);
      expect(await readPolicy(other)).toBe('closed');

      // Requests to join: each decision is one entry naming its accounts, not a deletion or an enabling per account.
      await run(other, NODES.policy, NS.policy, { mode: 'approval', previous: 'closed' });
      expect(await signUp(server, 'asker1')).toEqual({ ok: true });
      expect(await signUp(server, 'asker2')).toEqual({ ok: true });
      await run(desk, NODES.approve, NS.requests, { accounts: 'asker1' });
      const approved = await other.waitFor(liveActivity(server.domain, 'requests-approved'), 'the approval');
      expect(approved.attrs).toMatchObject({ by: server.adminJid(), count: '1' });
      expect(approved.getChildren('account').map((a) => a.attrs.jid)).toEqual([`asker1@${server.domain}`]);
      await run(other, NODES.reject, NS.requests, { accounts: 'asker2' });
      const rejected = await desk.waitFor(liveActivity(server.domain, 'requests-rejected'), 'the rejection');
      expect(rejected.attrs).toMatchObject({ by: `anna@${server.domain}`, count: '1', outcome: 'rejected' });
      await run(other, NODES.policy, NS.policy, { mode: 'invite-only', previous: 'approval' });

      const log = await listActivity(desk);
      const kinds = log.entries.map((e) => e.kind);
      const expected = server.version === '13'
        ? ['policy-changed', 'requests-rejected', 'requests-approved', 'policy-changed', 'account-enabled', 'account-disabled', 'account-deleted', 'invites-revoked', 'invites-created', 'policy-changed']
        : ['policy-changed', 'requests-rejected', 'requests-approved', 'policy-changed', 'account-deleted', 'invites-revoked', 'invites-created', 'policy-changed'];
      expect(kinds).toEqual(expected);
      expect(log.total).toBe(expected.length);
      expect(log.admins).toEqual([server.adminJid(), `anna@${server.domain}`].sort());
      for (const entry of log.entries) {
        expect(Date.parse(entry.time)).toBeGreaterThanOrEqual(Math.floor(started / 1000) * 1000);
        expect(entry.id).toBeDefined();
      }
      expect(log.entries.at(-1)).toMatchObject({ kind: 'policy-changed', by: server.adminJid(), mode: 'closed', previous: 'invite-only' });
      expect(log.entries.find((e) => e.kind === 'invites-created')?.invites).toEqual(made.map((i) => i.id));
      expect(log.entries.find((e) => e.kind === 'account-deleted')?.accounts).toEqual([`${spammer.username}@${server.domain}`]);
      expect(log.entries.find((e) => e.kind === 'requests-rejected')?.accounts).toEqual([`asker2@${server.domain}`]);
      expect((await listActivity(desk, { account: `asker1@${server.domain}` })).entries.map((e) => e.kind)).toEqual(['requests-approved']);

      // Filtered by admin and by kind, and paged.
      expect((await listActivity(desk, { by: `anna@${server.domain}` })).entries.every((e) => e.by === `anna@${server.domain}`)).toBe(true);
      expect((await listActivity(desk, { kind: 'invites-revoked' })).entries.map((e) => e.invites)).toEqual([[made[0]?.id]]);
      const page = await listActivity(desk, { offset: '1', limit: '2' });
      expect(page.total).toBe(expected.length);
      expect(page.entries.map((e) => e.id)).toEqual(log.entries.slice(1, 3).map((e) => e.id));
      expect(errorNote(await run(desk, NODES.activity, NS.activity, { kind: 'gossip' }))).toMatch(/^Kind must be all or one of policy-changed, /);
    } finally {
      await desk.stop();
      await other.stop();
    }
    // Kept across a restart; for admins only.
    await server.restart();
    await signedIn(server, async (session) => {
      expect((await listActivity(session)).entries.map((e) => e.kind).slice(0, 2)).toEqual(['policy-changed', 'requests-rejected']);
    });
    expect(await refusal(signedIn(server, (session) => listActivity(session), member))).toBe('forbidden');
  });

  it('forgets entries older than invite_desk_activity_days', async () => {
    const server = fixture();
    await server.editHostData(
      (hostDir) => writeFile(join(hostDir, 'invite_desk_activity.list'), activityItem(server, 'old-entry', 40) + activityItem(server, 'recent-entry', 20)),
      ['invite_desk_activity-archive'],
    );
    const ids = await signedIn(server, async (session) => (await listActivity(session, { limit: '1000' })).entries.map((e) => e.id));
    expect(ids).toContain('recent-entry');
    expect(ids).not.toContain('old-entry');
    // Gone from the store too, not only hidden.
    const stored = await server.readHostData((hostDir) => readFile(join(hostDir, 'invite_desk_activity.list'), 'utf8').catch(() => ''), ['invite_desk_activity-archive']);
    expect(stored).toContain('recent-entry');
    expect(stored).not.toContain('old-entry');
  });
});

describe('mod_invite_desk: what became of accounts', () => {
  const fixture = prosodyFixture({ domain: 'accounts.test', ...withModule });
  const ADMIN_FORM = 'http://jabber.org/protocol/admin';

  it('says whether each account of the host is active, disabled (on 13) or deleted, as the server has it', async () => {
    const server = fixture();
    await signedIn(server, async (session) => {
      const made = await createInvites(session, { count: 3 });
      for (const [i, name] of ['keeper', 'goner', 'sleeper'].entries()) expect(await signUp(server, name, made[i]?.token)).toEqual({ ok: true });
      const jid = (name: string): string => `${name}@${server.domain}`;
      await run(session, `${ADMIN_FORM}#delete-user`, ADMIN_FORM, { accountjids: [jid('goner')] });
      if (server.version === '13') await run(session, `${ADMIN_FORM}#disable-user`, ADMIN_FORM, { accountjids: [jid('sleeper')] });
      const states = await accountStates(session, [jid('keeper'), jid('goner'), jid('sleeper'), jid('never'), 'keeper@elsewhere.test', `${jid('keeper')}/phone`]);
      expect(states).toEqual({
        [jid('keeper')]: 'active',
        [jid('goner')]: 'deleted',
        [jid('sleeper')]: server.version === '13' ? 'disabled' : 'active',
        // Never made, or deleted long ago: the server cannot tell the two apart, and neither can sign in.
        [jid('never')]: 'deleted',
      });
      if (server.version === '13') {
        await run(session, `${ADMIN_FORM}#reenable-user`, ADMIN_FORM, { accountjids: [jid('sleeper')] });
        expect(await accountStates(session, [jid('sleeper')])).toEqual({ [jid('sleeper')]: 'active' });
      }
      expect(await refusal(accountStates(session, Array.from({ length: 1001 }, (_, i) => jid(`many${i}`))))).toBe('bad-request');
    });
    await signedIn(server, async (user) => expect(await refusal(accountStates(user, [`admin@${server.domain}`]))).toBe('forbidden'), member);
  });
});

describe('mod_invite_desk: security', () => {
  const fixture = prosodyFixture({
    domain: 'secure.test',
    ...withModule,
    // 13 refuses everyone through the deprecated is_admin in this mode; 0.12 ignores the option.
    extraConfig: [
      'strict_deprecate_is_admin = true',
      // Both rank lowest (no priority); the clerk may not grant the other, which may do what the clerk may not.
      'custom_roles = {',
      '  { name = "invite-clerk"; inherits = { "prosody:registered" }; allow = { "invite_desk:administer" } };',
      '  { name = "event-watcher"; inherits = { "prosody:registered" }; allow = { "invite_desk:follow-events" } };',
      '}',
    ].join('\n'),
  });

  it('answers its administration node to admins only', async () => {
    const server = fixture();
    expect(await signedIn(server, adminFeatures)).toEqual(ALL_FEATURES);
    expect(await signedIn(server, adminFeatures, member)).toBeNull();
  });

  it('offers the roles an admin may grant as choices, by the names people know them by', async () => {
    const server = fixture();
    const stage = await signedIn(server, (session) => command(session, NODES.create));
    const role = stage.form?.getChildren('field').find((f) => f.attrs.var === 'role');
    expect(role?.attrs.type).toBe('list-single');
    // Lowest first, and no role unless one is picked. The config's admins administer the whole server: operators, the top role.
    const own = ['prosody:guest', 'prosody:registered', 'prosody:member', 'prosody:admin', 'prosody:operator'];
    expect(roleChoices(stage.form)).toEqual(['', ...(server.version === '13' ? ['event-watcher', 'invite-clerk'] : []), ...own]);
    expect(role?.getChildren('option').map((o) => o.attrs.label)).toEqual([
      "The server's default",
      ...(server.version === '13' ? ['event-watcher', 'invite-clerk'] : []),
      'Guest',
      'Registered',
      'Member',
      'Administrator',
      'Operator',
    ]);
    expect(fieldValues(stage.form, 'role')).toEqual(['']);
  });

  it.skipIf(prosodyVersionFromEnv() !== '13')('lets a custom role that may administer the module use it all, on Prosody 13', async () => {
    const server = fixture();
    const [invite] = await signedIn(server, (session) => createInvites(session, { role: 'invite-clerk' }));
    expect(await signUp(server, 'clerk', invite?.token)).toEqual({ ok: true });
    await signedIn(
      server,
      async (clerk) => {
        expect(await adminFeatures(clerk)).toEqual(ALL_FEATURES);
        expect((await listInvites(clerk)).total).toBeGreaterThan(0);
        expect(await readPolicy(clerk)).toBe('invite-only');
        // None above its own, nor one that may do what it may not.
        expect(roleChoices((await command(clerk, NODES.create)).form)).toEqual(['', 'invite-clerk']);
        expect(errorNote(await tryCreate(clerk, { role: 'event-watcher' }))).toBe('You may not grant a role above your own.');
        expect((await subscribe(clerk)).complete).toBe(true);
      },
      { username: 'clerk', password: 'clerk-pw' },
    );
  });

  it('refuses every command and the event subscription to a normal user', async () => {
    const server = fixture();
    await signedIn(
      server,
      async (user) => {
        for (const node of Object.values(NODES)) {
          expect(await refusal(command(user, node)), node).toBe('forbidden');
          const form: Fields = node === NODES.policy ? { mode: 'open' } : { ids: ['0123456789abcdef'], count: '1' };
          expect(await refusal(run(user, node, node === NODES.policy ? NS.policy : NS.invites, form)), node).toBe('forbidden');
        }
        expect(await refusal(subscribe(user))).toBe('forbidden');
      },
      member,
    );
    await signedIn(server, async (session) => expect(await readPolicy(session)).toBe('invite-only'));
  });

  it('never writes a token to the log', async () => {
    const server = fixture();
    const tokens = await signedIn(server, async (session) => {
      const made = await createInvites(session, { count: 3, maxUses: 2 });
      expect(await signUp(server, 'logged', made[0]?.token)).toEqual({ ok: true });
      await revokeInvites(session, [made[1]?.id ?? '']);
      return made.map((i) => i.token);
    });
    const log = await server.log();
    expect(log).toContain('created 3 account invites');
    expect(log).not.toContain('(s)');
    for (const token of tokens) expect(log).not.toContain(token);
  });
});

describe('mod_invite_desk: the Lua source', () => {
  it('passes luacheck, run plainly from the repository root', async () => {
    // luacheck exits non-zero on any warning; its report is what a failure should show.
    const report = await exec('luacheck', ['--no-color', 'prosody/'], { cwd: resolve(import.meta.dirname, '../..') }).catch(
      (error: unknown) => ({ stdout: String((error as { stdout?: unknown }).stdout ?? error) }),
    );
    expect(report.stdout).toContain('Total: 0 warnings / 0 errors');
  });

  it('asks for Prosody\'s libraries by their 13 names, with the 0.12 names only as a fallback, in every file', async () => {
    const folder = resolve(PROJECT_PLUGIN_PATH, 'mod_invite_desk');
    const files = (await readdir(folder)).filter((name) => name.endsWith('.lua'));
    expect(files).toContain('mod_invite_desk.lua');
    expect(files.length).toBeGreaterThan(1);
    for (const name of files) {
      const source = await readFile(join(folder, name), 'utf8');
      expect([name, source.match(/require\s*\(?\s*["'](?:util|core|net)\./g)]).toEqual([name, null]);
    }
  });

  it('lists every library of the module in the rockspec, so an installed module finds them', async () => {
    const folder = resolve(PROJECT_PLUGIN_PATH, 'mod_invite_desk');
    const libraries = (await readdir(folder)).filter((name) => name.endsWith('.lib.lua')).map((name) => name.replace(/\.lib\.lua$/, ''));
    const [rockspecName] = (await readdir(PROJECT_PLUGIN_PATH)).filter((name) => name.endsWith('.rockspec'));
    const rockspec = await readFile(resolve(PROJECT_PLUGIN_PATH, rockspecName ?? 'no rockspec'), 'utf8');
    const listed = [...rockspec.matchAll(/\["mod_invite_desk\.(\w+)"\] = "(\w+)\.lib\.lua"/g)].map(([, name, file]) => (name === file ? name : `${name}≠${file}`));
    expect(listed.sort()).toEqual(libraries.sort());
  });
});
