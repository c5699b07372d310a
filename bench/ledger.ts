import { pathToFileURL } from 'node:url';
import { PROJECT_PLUGIN_PATH, STOCK_MODULES, startProsody, type ProsodyServer, type ProsodyVersion } from '../test/helpers/prosody';
import { listInvites, signIn, type LedgerFilter, type Session } from '../test/helpers/invite-desk-protocol';
import { median, ratioLine, ROUNDS, timed } from './lib';

/**
 * The ledger at 50,000 stored invites: one page of 100 from mod_invite_desk's
 * list command, next to reading Prosody's invite store once, which any answer
 * about those invites has to do at least. The module times that read itself
 * (`invite_desk_log_timings`) inside the same server, so both figures pay the
 * same garbage collector on the same heap.
 */

const STORED = Number(process.env.BENCH_LEDGER_INVITES ?? 50_000);
const admin = { username: 'admin', password: 'admin-password' };

/** The module's timing of its last read of the invite store, from its log. */
async function lastStoreRead(server: ProsodyServer): Promise<number> {
  const last = [...(await server.log()).matchAll(/Read the invite store in ([\d.]+) ms/g)].at(-1);
  if (!last) throw new Error('the module logged no read of the invite store');
  return Number(last[1]);
}

async function page(session: Session, filter: LedgerFilter): Promise<number> {
  return timed(async () => {
    const { total, rows } = await listInvites(session, { limit: 100, ...filter });
    if (total !== STORED || rows.length !== 100) throw new Error(`expected 100 of ${STORED}, got ${rows.length} of ${total}`);
  });
}

export async function benchLedger(version: ProsodyVersion): Promise<string[]> {
  const server = await startProsody({
    version,
    domain: 'bench-ledger.test',
    admins: [admin],
    modules: [...STOCK_MODULES, 'invite_desk'],
    pluginPaths: [PROJECT_PLUGIN_PATH],
    extraConfig: 'invite_desk_log_timings = true',
  });
  try {
    await server.seedInvites(STORED);
    const session = await signIn(server, admin, 'bench');
    const reads: number[] = [];
    const first: number[] = [];
    const deep: number[] = [];
    try {
      for (let round = 0; round < ROUNDS; round++) {
        first.push(await page(session, {}));
        reads.push(await lastStoreRead(server));
        deep.push(await page(session, { state: 'pending', kind: 'account', createdBy: 'prosodyctl', sort: 'expires', offset: STORED / 2 }));
        reads.push(await lastStoreRead(server));
      }
    } finally {
      await session.stop();
    }
    const baseline = `reading the invite store once (${reads.length} reads)`;
    return [
      ratioLine(`ledger: the first page of 100 of ${STORED} invites, newest first, median of ${ROUNDS}`, median(first), baseline, median(reads)),
      ratioLine(`ledger: page ${STORED / 200} of ${STORED} invites, filtered by state, kind and creator, sorted by expiry, median of ${ROUNDS}`, median(deep), baseline, median(reads)),
    ];
  } finally {
    await server.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log('The ledger:');
  for (const line of await benchLedger('0.12')) console.log(line);
}
