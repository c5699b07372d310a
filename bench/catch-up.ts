import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PROJECT_PLUGIN_PATH, STOCK_MODULES, startProsody, type ProsodyServer, type ProsodyVersion } from '../test/helpers/prosody';
import { seedHistory, seedKey } from '../test/helpers/invite-desk-protocol';
import { createTestService, eventually, profileFor } from '../test/helpers/session';
import { median, printLine, ratioFigure, ROUNDS, rounds, STORAGE_NAMES, type BenchLine } from './lib';
import type { StorageBackend } from '../test/helpers/storage';

/**
 * Catching up on sign-ups missed while the app was away, from `connect` to
 * the last of them in the app:
 * - with mod_invite_desk, N events in its history, next to one read of that
 *   history (one archive `find` read to its end, as the module times it
 *   and logs it in the same run);
 * - on stock Prosody, N mod_watchregistrations notices stored offline, next
 *   to a connect with none.
 * The stores are written with the server stopped; each round restarts it, so
 * nothing is cached from the round before.
 *
 * On SQLite the module's catch-up is measured at 10,000 (BENCH_CATCH_UP_SQL),
 * next to its own history find on the same storage.
 */

const sizes = (list: string): number[] => list.split(',').map(Number);
const SIZES = sizes(process.env.BENCH_CATCH_UP ?? '1000,10000,50000');
const SQL_SIZES = sizes(process.env.BENCH_CATCH_UP_SQL ?? '10000');
const admin = { username: 'admin', password: 'admin-password' };

/** From connect to the `count`-th sign-up, in a fresh app (no cursor: the whole history is missed). */
async function connectAndCatchUp(server: ProsodyServer, count: number): Promise<number> {
  const t = await createTestService({ requestMs: 120_000, connectMs: 300_000 });
  try {
    const start = performance.now();
    await t.service.connect({ profile: profileFor(server, admin), password: admin.password });
    await eventually(() => (t.registrations.length >= count ? true : undefined), `${count} sign-ups`, 300_000);
    const elapsed = performance.now() - start;
    if (t.registrations.length !== count) throw new Error(`expected ${count} sign-ups, the app has ${t.registrations.length}`);
    return elapsed;
  } finally {
    await t.dispose();
  }
}

/** The module's own timing of its last read of the history, from its log. */
async function lastHistoryRead(server: ProsodyServer): Promise<number> {
  const reads = [...(await server.log()).matchAll(/Read (\d+) sign-up events for catching up in ([\d.]+) ms/g)];
  const last = reads.at(-1);
  if (!last) throw new Error('the module logged no read of its history');
  return Number(last[2]);
}

async function moduleCatchUp(version: ProsodyVersion, sizes: number[], storage: StorageBackend = 'internal'): Promise<BenchLine[]> {
  const most = Math.max(...sizes);
  const server = await startProsody({
    version,
    storage,
    domain: 'bench-catch-up.test',
    admins: [admin],
    modules: [...STOCK_MODULES, 'invite_desk'],
    pluginPaths: [PROJECT_PLUGIN_PATH],
    // Room for the largest history measured: both bounds default to 10,000.
    extraConfig: `storage_archive_item_limit = ${most + 1}\ninvite_desk_history_size = ${most + 1}`,
  });
  try {
    return await eachSize(sizes, async (size) => {
      const caughtUp: number[] = [];
      const reads: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        await seedHistory(server, size);
        caughtUp.push(await connectAndCatchUp(server, size));
        reads.push(await lastHistoryRead(server));
      }
      return ratioFigure(`mod_invite_desk${STORAGE_NAMES[storage]}: ${size.toLocaleString('en')} missed sign-ups caught up, connect to the last in the app`, rounds(ROUNDS), median(caughtUp), `one history find of the ${size.toLocaleString('en')}, timed by the module`, median(reads));
    });
  } finally {
    await server.stop();
  }
}

/** mod_offline's store for `admin`: `count` mod_watchregistrations notices, oldest first. */
function offlineNotices(domain: string, count: number): string {
  const start = Math.floor(Date.now() / 1000) - count;
  return Array.from({ length: count }, (_, i) => {
    const when = start + i;
    const stamp = new Date(when * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    return (
      `item({ ["name"] = "message"; ["attr"] = { ["type"] = "chat"; ["from"] = "${domain}"; ["to"] = "admin@${domain}"; ["stamp"] = "${stamp}"; }; ` +
      `[1] = { ["name"] = "body"; ["attr"] = {}; [1] = "User offline${i} just registered on ${domain} from 127.0.0.1"; }; ` +
      `["key"] = "${seedKey(i)}"; ["when"] = ${when}; ["with"] = "${domain}"; });\n`
    );
  }).join('');
}

async function seedOffline(server: ProsodyServer, count: number): Promise<void> {
  await server.editHostData(async (hostDir) => {
    const dir = join(hostDir, 'offline');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'admin.list'), offlineNotices(server.domain, count));
    await rm(join(dir, 'admin.lidx'), { force: true });
  });
}

async function stockBurst(version: ProsodyVersion, sizes: number[]): Promise<BenchLine[]> {
  const most = Math.max(...sizes);
  const server = await startProsody({
    version,
    domain: 'bench-offline.test',
    admins: [admin],
    modules: [...STOCK_MODULES, 'offline'],
    extraConfig: `storage_archive_item_limit = ${most + 1}`,
  });
  try {
    return await eachSize(sizes, async (size) => {
      const burst: number[] = [];
      const empty: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        await seedOffline(server, size);
        burst.push(await connectAndCatchUp(server, size));
        await seedOffline(server, 0);
        empty.push(await connectAndCatchUp(server, 0));
      }
      return ratioFigure(`stock Prosody: ${size.toLocaleString('en')} sign-up notices stored offline, connect to the last in the app`, rounds(ROUNDS), median(burst), 'a connect with none', median(empty));
    });
  } finally {
    await server.stop();
  }
}

/** One size's failure (a server too slow to start, say) should not hide the other sizes' figures; the exit code still reports it. */
async function eachSize(sizes: number[], measure: (size: number) => Promise<BenchLine>): Promise<BenchLine[]> {
  const lines: BenchLine[] = [];
  for (const size of sizes) {
    try {
      lines.push(await measure(size));
    } catch (error) {
      lines.push(`  ${size}: failed: ${(error as Error).message.split('\n')[0] ?? ''}`);
      process.exitCode = 1;
    }
  }
  return lines;
}

export async function benchCatchUp(version: ProsodyVersion): Promise<BenchLine[]> {
  return [...(await moduleCatchUp(version, SIZES)), ...(await stockBurst(version, SIZES))];
}

/** The module's catch-up on SQLite: stock Prosody's offline store is left to the file-storage pass. */
export function benchCatchUpOnSqlite(version: ProsodyVersion): Promise<BenchLine[]> {
  return moduleCatchUp(version, SQL_SIZES, 'sqlite');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log('Catching up:');
  for (const line of await benchCatchUp('0.12')) console.log(printLine(line));
}
