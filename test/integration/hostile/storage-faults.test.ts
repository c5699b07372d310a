import { afterAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prosodyFixture } from '../../helpers/fixtures';
import { type Account, WITH_INVITE_DESK } from '../../helpers/prosody';
import { storageFromEnv } from '../../helpers/storage';
import { registerAccount, type RegisterOutcome } from '../../helpers/raw-register';
import {
  NODES,
  command,
  createInvites,
  errorNote,
  listInvites,
  preauthorize,
  revokeOutcome,
  signIn,
  tryCreate,
  type Session,
} from '../../helpers/invite-desk-protocol';

/**
 * mod_invite_desk on storage that behaves as a busy or failing database
 * does: every call waits a moment first (letting Prosody run other sign-ups
 * and commands meanwhile, as SQL drivers may), and calls the test names
 * fail. Each rule must hold, and each failure leave nothing half done, on
 * the module's own test driver (test/fixtures/prosody/mod_storage_test_faults.lua)
 * over the storage the run uses.
 */

const admin: Account = { username: 'admin', password: 'admin-password' };
const member: Account = { username: 'member', password: 'member-password' };
const faults = join(tmpdir(), `invite-desk-storage-faults-${randomBytes(6).toString('hex')}`);
const server = prosodyFixture({
  domain: 'faults.test',
  admins: [admin],
  users: [member],
  ...WITH_INVITE_DESK,
  extraConfig: [
    'storage = "test_faults"',
    `test_faults_storage = "${storageFromEnv() === 'internal' ? 'internal' : 'sql'}"`,
    'test_faults_delay = 0.02',
    `test_faults_file = ${JSON.stringify(faults)}`,
  ].join('\n'),
});
afterAll(() => rm(faults, { force: true }));

/** Makes the calls `lines` name fail (`STORE METHOD [host|user]`) while `work` runs. */
async function failing<T>(lines: string[], work: () => Promise<T>): Promise<T> {
  await writeFile(faults, `${lines.join('\n')}\n`);
  try {
    return await work();
  } finally {
    await rm(faults, { force: true });
  }
}

function signUp(username: string, token: string): Promise<RegisterOutcome> {
  return registerAccount({ port: server().c2sPort, domain: server().domain, username, password: `${username}-pw`, token });
}

async function asAdmin<T>(work: (session: Session) => Promise<T>): Promise<T> {
  const session = await signIn(server(), admin, `faults-${randomBytes(3).toString('hex')}`);
  try {
    return await work(session);
  } finally {
    await session.stop();
  }
}

async function crowd(token: string, size: number, prefix: string): Promise<RegisterOutcome[]> {
  const members = await Promise.all(Array.from({ length: size }, () => preauthorize(server(), token)));
  try {
    return await Promise.all(members.map((m, i) => m.register(`${prefix}${i}`, 'crowd-pw')));
  } finally {
    for (const m of members) m.close();
  }
}

describe('mod_invite_desk on storage that yields', () => {
  it('holds a use limit of 3 exactly while ten sign-ups run between each storage call', async () => {
    await asAdmin(async (session) => {
      const [invite] = await createInvites(session, { maxUses: 3, note: 'slow store' });
      const outcomes = await crowd(invite?.token ?? '', 10, 'slow');
      expect(outcomes.filter((o) => o.ok)).toHaveLength(3);
      // Every use recorded, none overwritten by another sign-up's write. (Prosody answers a sign-up before
      // it reports the new account to modules, so the last use may be stored a moment after its answer.)
      for (;;) {
        const [row] = (await listInvites(session, { query: 'slow store' })).rows;
        expect(row?.uses).toBeLessThanOrEqual(3);
        if (row?.uses === 3) {
          expect(row).toMatchObject({ state: 'used' });
          expect(row.usedBy).toHaveLength(3);
          break;
        }
        await new Promise((wake) => setTimeout(wake, 100));
      }
    });
  });

  it('lets a single-use invite in once when two members race with it', async () => {
    await asAdmin(async (session) => {
      const [invite] = await createInvites(session, { note: 'single slow' });
      expect((await crowd(invite?.token ?? '', 2, 'twin')).filter((o) => o.ok)).toHaveLength(1);
    });
  });
});

describe('mod_invite_desk on storage that refuses a write', () => {
  it('keeps counting a use the store would not take, so the limit still holds', async () => {
    await asAdmin(async (session) => {
      const [invite] = await createInvites(session, { maxUses: 2, note: 'unrecorded' });
      const outcomes = await failing(['invite_desk_ledger set'], async () => [
        await signUp('unrecorded1', invite?.token ?? ''),
        await signUp('unrecorded2', invite?.token ?? ''),
        await signUp('unrecorded3', invite?.token ?? ''),
      ]);
      expect(outcomes.map((o) => o.ok)).toEqual([true, true, false]);
    });
  });

  it('leaves an invite as it was when its revocation could not be stored', async () => {
    await asAdmin(async (session) => {
      const [invite] = await createInvites(session, { maxUses: 3, note: 'kept open' });
      expect(await signUp('keptopen1', invite?.token ?? '')).toEqual({ ok: true });
      // The ledger's copy in memory holds the invite's record now.
      expect((await listInvites(session, { query: 'kept open' })).rows[0]).toMatchObject({ state: 'pending', uses: 1 });
      const refused = await failing(['invite_desk_ledger set'], () => revokeOutcome(session, [invite?.id ?? '']));
      expect(errorNote(refused.stage)).toMatch(/^The server could not store the revocation/);
      expect((await listInvites(session, { query: 'kept open' })).rows[0]).toMatchObject({ state: 'pending', uses: 1 });
      expect(await signUp('keptopen2', invite?.token ?? '')).toEqual({ ok: true });
    });
  });

  it('purges nothing when it cannot store what the ledger keeps of an expired invite', async () => {
    await asAdmin(async (session) => {
      const [invite] = await createInvites(session, { maxUses: 2, expires: 2, note: 'lapsing' });
      expect(await signUp('lapsing1', invite?.token ?? '')).toEqual({ ok: true });
      // Until it has expired, as the ledger sees it.
      for (;;) {
        if ((await listInvites(session, { query: 'lapsing' })).rows[0]?.state === 'expired') break;
        await new Promise((wake) => setTimeout(wake, 250));
      }
      const refused = await failing(['invite_desk_ledger set'], () => command(session, NODES.purge));
      expect(errorNote(refused)).toMatch(/so none was purged/);
      const purged = await command(session, NODES.purge);
      expect(purged.notes[0]?.text).toMatch(/^Purged [1-9]\d* expired invite/);
      expect((await listInvites(session, { query: 'lapsing' })).rows[0]).toMatchObject({ state: 'expired', uses: 1 });
    });
  });

  /** How many contact invites are kept under the inviter's name, whatever the storage. */
  const contactCopies = (inviter: string): Promise<number> =>
    server().readHostData(
      async (hostDir) => (await readFile(join(hostDir, 'invite_token', `${inviter}.dat`), 'utf8').catch(() => '')).match(/\["[^"]+"\]\s*=/g)?.length ?? 0,
      ['invite_token'],
    );

  it('stores no part of a contact batch when either of its two writes fails', async () => {
    await asAdmin(async (session) => {
      const before = await contactCopies(member.username);
      for (const owner of ['user', 'host']) {
        // A map store's writes, as the driver has them or as Prosody emulates them over whole records.
        const stage = await failing([`invite_token set_keys ${owner}`, `invite_token set ${owner}`], () => tryCreate(session, { kind: 'contact', username: member.username, count: 2, note: `half ${owner}` }));
        expect(errorNote(stage)).toBe('The server could not store the invites. Its log says why.');
        expect((await listInvites(session, { query: `half ${owner}` })).total).toBe(0);
      }
      // The inviter's copies written before the batch failed were taken back.
      expect(await contactCopies(member.username)).toBe(before);
      const [made] = await createInvites(session, { kind: 'contact', username: member.username, note: 'whole' });
      expect((await listInvites(session, { query: 'whole' })).rows.map((r) => r.id)).toEqual([made?.id]);
    });
  });
});
