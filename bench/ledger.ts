import { utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startProsody, WITH_INVITE_DESK, type ProsodyServer, type ProsodyVersion } from '../test/helpers/prosody';
import { createInvites, listInvites, signIn, type LedgerFilter, type Session } from '../test/helpers/invite-desk-protocol';
import type { StorageBackend } from '../test/helpers/storage';
import { median, printLine, ratioFigure, ROUNDS, timed, rounds, STORAGE_NAMES, type BenchLine } from './lib';
import { createTestService, profileFor } from '../test/helpers/session';

/**
 * The ledger at 50,000 stored invites: one page of 100 from mod_invite_desk's
 * list command, next to reading Prosody's invite store once. The module
 * times that read itself (`invite_desk_log_timings`) inside the same server,
 * so both figures pay the same garbage collector on the same heap.
 *
 * A listing right after the store changed reads it again; one while it is
 * unchanged (another page, another search) reuses the last read. Each round
 * measures both, for the first page and for a deep, filtered one, and checks
 * in the module's log that each listing read the store, or did not, as it
 * should.
 *
 * On SQL storage (SQLite passes beside the file-storage ones) the store
 * changes by a real write, an invite the module creates, as a file's times
 * would mean nothing there; the export is measured on file storage only.
 */

const STORED = Number(process.env.BENCH_LEDGER_INVITES ?? 50_000);
const admin = { username: 'admin', password: 'admin-password' };
const FIRST: LedgerFilter = {};
const DEEP: LedgerFilter = { state: 'pending', kind: 'account', createdBy: 'prosodyctl', sort: 'expires', offset: STORED / 2 };

function storeReads(log: string): number[] {
  return [...log.matchAll(/Read the invite store in ([\d.]+) ms/g)].map((m) => Number(m[1]));
}

/**
 * Changes the invite store. On files, its file's times as any write does, then the clock passes into the next
 * second, where the module trusts a file it reads; on SQL, one invite created through the module. Returns how
 * many invites the store gained.
 */
async function changeStore(server: ProsodyServer, session: Session): Promise<number> {
  if (server.storage !== 'internal') return (await createInvites(session)).length;
  const now = new Date();
  await utimes(join(server.hostDir, 'invite_token.dat'), now, now);
  await new Promise((wake) => setTimeout(wake, 1_050 - (Date.now() % 1_000)));
  return 0;
}

/**
 * One timed listing of `expected` invites; `reads` says whether it must have read the store (checked in the log),
 * and collects that read's time.
 */
async function page(server: ProsodyServer, session: Session, filter: LedgerFilter, expected: number, reads: number[] | null): Promise<number> {
  const before = storeReads(await server.log()).length;
  const time = await timed(async () => {
    const { total, rows } = await listInvites(session, { limit: 100, ...filter });
    if (total !== expected || rows.length !== 100) throw new Error(`expected 100 of ${expected}, got ${rows.length} of ${total}`);
  });
  const logged = storeReads(await server.log()).slice(before);
  if (logged.length !== (reads ? 1 : 0)) throw new Error(`expected ${reads ? 'one read' : 'no read'} of the invite store, the module logged ${logged.length}`);
  reads?.push(...logged);
  return time;
}

/** Each export reads the whole ledger: fewer rounds than the other rows. */
const EXPORT_ROUNDS = Math.min(ROUNDS, 3);

export async function benchLedger(version: ProsodyVersion, storage: StorageBackend = 'internal'): Promise<BenchLine[]> {
  const server = await startProsody({
    version,
    storage,
    domain: 'bench-ledger.test',
    admins: [admin],
    ...WITH_INVITE_DESK,
    // Prosody 13 runs daily tasks a second after a start, the module's ledger prune among them:
    // a read of the store that belongs to no listing, which would land inside a timed one.
    extraConfig: 'invite_desk_log_timings = true\ncron_initial_delay = 86400',
  });
  try {
    await server.seedInvites(STORED);
    const session = await signIn(server, admin, 'bench');
    const reads: number[] = [];
    // Essential rows only on SQL: the first page, after a change and unchanged.
    const onFiles = storage === 'internal';
    // Invites the module creates count in the first page's total; the deep page's filter (made by prosodyctl) leaves them out.
    let stored = STORED;
    const times = { firstAfterChange: [] as number[], firstUnchanged: [] as number[], deepAfterChange: [] as number[], deepUnchanged: [] as number[] };
    try {
      for (let round = 0; round < ROUNDS; round++) {
        stored += await changeStore(server, session);
        times.firstAfterChange.push(await page(server, session, FIRST, stored, reads));
        times.firstUnchanged.push(await page(server, session, FIRST, stored, null));
        if (!onFiles) continue;
        stored += await changeStore(server, session);
        times.deepAfterChange.push(await page(server, session, DEEP, STORED, reads));
        times.deepUnchanged.push(await page(server, session, DEEP, STORED, null));
      }
    } finally {
      await session.stop();
    }
    const count = STORED.toLocaleString('en');
    const baseline = `reading the invite store once, timed by the module (median of ${reads.length} reads)`;
    const measured = rounds(ROUNDS);
    const on = STORAGE_NAMES[storage];
    const firstPage = [
      ratioFigure(`mod_invite_desk ledger${on}: the first page of 100 of ${count} invites, newest first, after the store changed`, measured, median(times.firstAfterChange), baseline, median(reads)),
      ratioFigure(`mod_invite_desk ledger${on}: the same page again, the store unchanged`, measured, median(times.firstUnchanged), baseline, median(reads)),
    ];
    if (!onFiles) return firstPage;
    // A CSV export of the whole ledger through the app's service (every page, then the file), next to
    // one page of 1,000 of what it is made of; the store unchanged between rounds, as when an admin exports.
    const exports: number[] = [];
    const pages: number[] = [];
    const t = await createTestService({ requestMs: 120_000 });
    try {
      const profile = profileFor(server, admin);
      await t.service.connect({ profile, password: admin.password });
      for (let round = 0; round < EXPORT_ROUNDS; round++) {
        pages.push(await timed(() => t.service.listInvites({ serverId: profile.id, limit: 1000 })));
        exports.push(
          await timed(async () => {
            const file = await t.service.exportCsv({ serverId: profile.id, what: 'ledger' });
            const rows = file && 'content' in file ? file.content.split('\r\n').length - 2 : 0;
            if (rows !== STORED) throw new Error(`the export held ${rows} of ${STORED} invites`);
          }),
        );
      }
    } finally {
      await t.dispose();
    }
    const deep = `page ${STORED / 200} of ${count} invites, filtered by state, kind and creator, sorted by expiry`;
    return [
      ...firstPage,
      ratioFigure(`mod_invite_desk ledger: ${deep}, after the store changed`, measured, median(times.deepAfterChange), baseline, median(reads)),
      ratioFigure(`mod_invite_desk ledger: the same page again, the store unchanged`, measured, median(times.deepUnchanged), baseline, median(reads)),
      ratioFigure(`CSV export of the ledger, ${count} invites, through the app (target 5 s)`, rounds(EXPORT_ROUNDS), median(exports), 'one page of 1,000 invites through the app', median(pages)),
    ];
  } finally {
    await server.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log('The ledger:');
  for (const line of await benchLedger('0.12')) console.log(printLine(line));
}
