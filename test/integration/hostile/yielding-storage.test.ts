import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { prosodyFixture } from '../../helpers/fixtures';
import { STOCK_MODULES, WITH_INVITE_DESK, type Account } from '../../helpers/prosody';
import { storageFromEnv } from '../../helpers/storage';
import { signUp } from '../../helpers/raw-register';
import { decide, errorNote, run, setMemberRules, setPolicy, signIn, tryCreate, type Session } from '../../helpers/invite-desk-protocol';

/**
 * mod_invite_desk's decisions where storage yields, as SQL storage over a
 * network may: every read and write of the module's own stores waits a
 * moment (test/fixtures/prosody/mod_storage_yielding.lua) while other
 * requests run. An approval and a rejection of the same account must still
 * end in one of the two, and a member's quota must still hold exactly.
 */

const admin: Account = { username: 'admin', password: 'admin-password' };
const member: Account = { username: 'member', password: 'member-password' };
// The stores whose reads and writes wait; the rest of the server keeps the backend of the run.
const backend = storageFromEnv() === 'internal' ? 'internal' : 'sql';
const YIELDING = ['invite_desk_requests', 'invite_desk_members', 'invite_desk_ledger', 'invite_desk_member_invites'];

const server = prosodyFixture({
  domain: 'yielding.test',
  admins: [admin],
  users: [member],
  modules: [...STOCK_MODULES, 'invite_desk'],
  pluginPaths: [...WITH_INVITE_DESK.pluginPaths, resolve(import.meta.dirname, '../../fixtures/prosody')],
  extraConfig: [
    `default_storage = "${backend}"`,
    `storage = { ${YIELDING.map((store) => `${store} = "yielding"`).join(', ')} }`,
    `yielding_storage_backend = "${backend}"`,
    'allow_user_invites = true',
  ].join('\n'),
});

async function twoAdmins<T>(work: (first: Session, second: Session) => Promise<T>): Promise<T> {
  const first = await signIn(server(), admin, 'first');
  const second = await signIn(server(), admin, 'second');
  try {
    return await work(first, second);
  } finally {
    await first.stop();
    await second.stop();
  }
}

describe('mod_invite_desk with storage that yields', () => {
  it('ends an approval and a rejection of the same account, racing, in one of the two', async () => {
    const names = Array.from({ length: 8 }, (_, i) => `racer${i}`);
    await twoAdmins(async (first, second) => {
      await setPolicy(first, 'approval');
      for (const name of names) expect(await signUp(server(), name)).toEqual({ ok: true });
      const domain = server().domain;
      const verdicts = await Promise.all(names.flatMap((name) => [decide(first, 'approve', [name]), decide(second, 'reject', [name])]));
      for (const [i, name] of names.entries()) {
        const [approval, rejection] = [verdicts[2 * i], verdicts[2 * i + 1]];
        const jid = `${name}@${domain}`;
        const approved = approval?.decided.includes(jid) === true;
        const rejected = rejection?.decided.includes(jid) === true;
        expect(approved !== rejected, `${name}: approved ${approved}, rejected ${rejected}`).toBe(true);
        expect((approved ? rejection : approval)?.notHeld).toEqual([jid]);
        const signedIn = await signIn(server(), { username: name, password: `${name}-pw` }, 'check').then(
          async (session) => {
            await session.stop();
            return true;
          },
          () => false,
        );
        expect(signedIn, `${name} can sign in only when approved`).toBe(approved);
      }
      await setPolicy(first, 'invite-only');
    });
  });

  it("holds a member's quota exactly when the member asks many times at once", async () => {
    await twoAdmins(async (session) => setMemberRules(session, { who: 'members', perPeriod: 3, periodDays: 7, maxPending: 10, minAgeDays: 0 }));
    // One session handles its requests one after another: the member races from eight at once.
    const devices = await Promise.all(Array.from({ length: 8 }, (_, i) => signIn(server(), member, `device${i}`)));
    try {
      const attempts = await Promise.all(
        devices.map((device, i) =>
          i % 2 === 0 ? tryCreate(device, {}) : run(device, 'urn:xmpp:invite#invite', 'jabber:x:data').catch((error: unknown) => error),
        ),
      );
      const made = attempts.filter((a) => 'status' in (a as object) && (a as { notes: { type: string }[] }).notes.every((n) => n.type !== 'error'));
      expect(made).toHaveLength(3);
      expect(errorNote(await tryCreate(devices[0] as Session, {}))).toMatch(/You have made 3 invites to yielding\.test in the last 7 days/);
    } finally {
      await Promise.all(devices.map((device) => device.stop()));
    }
  });
});
