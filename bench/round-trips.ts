import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ServerProfile } from '../common/api';
import type { SessionContext } from '../electron/core/features/context';
import { createStockInvites, INVITE_BATCH_CONCURRENCY } from '../electron/core/features/invites';
import { createXmppClient, startClient, type XmppClient } from '../electron/core/xmpp/client';
import { listCommands } from '../electron/core/xmpp/disco';
import { isProsody13Installed, prosodyFlavour, STOCK_MODULES, startProsody, type ProsodyServer, type ProsodyVersion, WITH_INVITE_DESK } from '../test/helpers/prosody';
import { createTestService, type TestService } from '../test/helpers/session';
import { startLatencyProxy, type LatencyProxy } from './latency-proxy';
import { median, ms } from './lib';
import { signupHistory } from './signup-history';

/**
 * What an admin waits for over a real network, counted in round trips.
 * Every operation runs through a latency proxy at 0, 50 and 100 ms one way
 * (loopback, 100 ms RTT, 200 ms RTT); the round trips are
 * (time at that RTT − time on loopback) / RTT, so the work the machine does
 * drops out and what is left is what the network would add.
 * `npx tsx bench/round-trips.ts`, or part of `npm run bench`.
 */

const ROUNDS = Number(process.env.BENCH_RTT_ROUNDS ?? 5);
const ONE_WAY_MS = [0, 50, 100] as const;
const SIGNUPS = 1000;
const admin = { username: 'admin', password: 'admin-password' };

interface Target {
  server: ProsodyServer;
  starttls: LatencyProxy;
  directTls: LatencyProxy;
}

interface Row {
  what: string;
  target?: number;
  /** Median time at each one-way delay, in the order of ONE_WAY_MS. */
  medians: number[];
}

async function proxied(server: ProsodyServer): Promise<Target> {
  const [starttls, directTls] = await Promise.all([
    startLatencyProxy({ target: { host: server.host, port: server.c2sPort }, oneWayMs: 0 }),
    startLatencyProxy({ target: { host: server.host, port: server.directTlsPort }, oneWayMs: 0 }),
  ]);
  return { server, starttls, directTls };
}

function profileThrough(target: Target, id: string, directTls = false): ServerProfile {
  const proxy = directTls ? target.directTls : target.starttls;
  return { id, jid: `${admin.username}@${target.server.domain}`, address: `127.0.0.1:${proxy.port}`, directTls, trustedFingerprint: target.server.certificateFingerprint() };
}

/**
 * `work` ROUNDS times at each delay, after `prepare` (not timed). Delays
 * alternate within a round, so drift on a shared machine hits all alike.
 */
interface MeasureOptions {
  target?: number;
  /** Before each run, not timed. */
  prepare?: () => Promise<unknown>;
  /** After each run, not timed: a disconnect is not what the admin waits for. */
  after?: () => Promise<unknown>;
}

async function measure(targets: readonly Target[], what: string, work: () => Promise<unknown>, options: MeasureOptions = {}): Promise<Row> {
  const times: number[][] = ONE_WAY_MS.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, oneWay] of ONE_WAY_MS.entries()) {
      for (const t of targets) {
        t.starttls.setOneWayMs(oneWay);
        t.directTls.setOneWayMs(oneWay);
      }
      await options.prepare?.();
      const start = performance.now();
      await work();
      times[i]?.push(performance.now() - start);
      await options.after?.();
    }
  }
  const row: Row = { what, medians: times.map(median) };
  if (options.target !== undefined) row.target = options.target;
  return row;
}

const roundTrips = (row: Row, i: number): number => ((row.medians[i] ?? NaN) - (row.medians[0] ?? NaN)) / (2 * (ONE_WAY_MS[i] ?? NaN));

export function formatTable(rows: readonly Row[]): string[] {
  const width = Math.max(...rows.map((r) => r.what.length));
  const head = `  ${'operation'.padEnd(width)}  loopback   RT @100 ms  RT @200 ms  target`;
  const lines = [head, `  ${'-'.repeat(head.length - 2)}`];
  for (const row of rows) {
    const rt = [1, 2].map((i) => roundTrips(row, i).toFixed(1).padStart(10));
    const target = row.target === undefined ? '' : `≤ ${row.target}`;
    lines.push(`  ${row.what.padEnd(width)}  ${ms(row.medians[0] ?? NaN).padStart(8)}  ${rt.join('  ')}  ${target}`.trimEnd());
  }
  return lines;
}

async function connectAndLeave(t: TestService, profile: ServerProfile, password?: string): Promise<void> {
  await t.service.connect(password === undefined ? { profile } : { profile, password });
  await t.service.disconnect(profile.id);
}

/** Rows of connect to online, each round followed by an untimed disconnect. */
function measureConnect(targets: readonly Target[], what: string, t: TestService, profiles: readonly ServerProfile[], password: string | undefined, extra: MeasureOptions = {}): Promise<Row> {
  const connect = (profile: ServerProfile) => t.service.connect(password === undefined ? { profile } : { profile, password });
  return measure(targets, what, () => Promise.all(profiles.map(connect)), { ...extra, after: () => Promise.all(profiles.map((p) => t.service.disconnect(p.id))) });
}

/** A plain client of the admin through `port`, not started. */
function benchClient(target: Target, port: number): XmppClient {
  const client = createXmppClient({
    host: '127.0.0.1',
    port,
    directTls: false,
    domain: target.server.domain,
    username: admin.username,
    secret: { password: admin.password },
    resource: 'bench',
    trustedFingerprint: target.server.certificateFingerprint(),
    streamTimeoutMs: 10_000,
  });
  client.entity.on('error', () => undefined);
  return client;
}

/** Sign-in alone (no admin check or probe), for the Nagle rows; the stream close is not timed. */
function measureSignIn(target: Target, what: string): Promise<Row> {
  let client: XmppClient | null = null;
  return measure(
    [target],
    what,
    async () => {
      client = benchClient(target, target.starttls.port);
      await startClient(client);
    },
    { after: () => (client as XmppClient).entity.stop() },
  );
}

/** Sign-in straight to Prosody, without the proxy: the stall Nagle causes is a loopback effect too. */
async function nagleOnLoopback(withNagle: Target, without: Target): Promise<string> {
  const rounds = ROUNDS * 5;
  const time = async (target: Target): Promise<number> => {
    const client = benchClient(target, target.server.c2sPort);
    const start = performance.now();
    await startClient(client);
    const elapsed = performance.now() - start;
    await client.entity.stop();
    return elapsed;
  };
  const on: number[] = [];
  const off: number[] = [];
  for (let i = 0; i < rounds; i++) {
    on.push(await time(withNagle));
    off.push(await time(without));
  }
  return `  sign-in straight to Prosody on loopback, median of ${rounds}: ${ms(median(on))} with the server's default (Nagle on), ${ms(median(off))} with network_settings = { nagle = false }`;
}

/** 100 stock invites over one session by how many are in flight, at 100 ms RTT: what INVITE_BATCH_CONCURRENCY is weighed against. */
async function stockBatchSweep(target: Target): Promise<string> {
  const bounds = [1, 4, 8, 16, 32, 100];
  const times = new Map<number, number[]>(bounds.map((b) => [b, []]));
  target.starttls.setOneWayMs(50);
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const bound of bounds) {
        // Each run starts from an empty store: Prosody rewrites the whole file for every invite.
        await target.server.seedInvites(0);
        const client = benchClient(target, target.starttls.port);
        await startClient(client);
        const ctx: SessionContext = {
          serverId: 'sweep',
          account: `${admin.username}@${target.server.domain}`,
          domain: target.server.domain,
          iq: client.iqCaller,
          timeoutMs: 60_000,
          commands: new Set((await listCommands(client.iqCaller, target.server.domain, 10_000)).map((c) => c.node)),
        };
        const start = performance.now();
        await createStockInvites(ctx, 'account', 100, bound);
        times.get(bound)?.push(performance.now() - start);
        await client.entity.stop();
      }
    }
  } finally {
    target.starttls.setOneWayMs(0);
  }
  const medians = bounds.map((b) => [b, median(times.get(b) ?? [])] as const);
  const best = medians.reduce((a, b) => (b[1] < a[1] ? b : a));
  return `  100 stock invites at 100 ms RTT, median of ${ROUNDS} runs each from an empty store, by requests in flight: ${medians.map(([b, t]) => `${b}: ${ms(t)}`).join(', ')}; fastest ${best[0]} (the app uses ${INVITE_BATCH_CONCURRENCY})`;
}

/** Connect rows for one server: the password, saved keys, and direct TLS. */
async function connectRows(target: Target, label: string, targets: { starttls?: number; direct?: number }): Promise<Row[]> {
  const t = await createTestService();
  try {
    const id = label.replace(/[^A-Za-z0-9]+/g, '-');
    const starttls = profileThrough(target, `${id}-starttls`);
    const direct = profileThrough(target, `${id}-direct`, true);
    await connectAndLeave(t, direct, admin.password);
    return [
      await measureConnect([target], `${label}: connect, password, STARTTLS`, t, [starttls], admin.password, { target: targets.starttls }),
      await measureConnect([target], `${label}: connect, saved keys, STARTTLS`, t, [starttls], undefined, { target: targets.starttls }),
      await measureConnect([target], `${label}: connect, password, direct TLS`, t, [direct], admin.password, { target: targets.direct }),
      await measureConnect([target], `${label}: connect, saved keys, direct TLS`, t, [direct], undefined, { target: targets.direct }),
    ];
  } finally {
    await t.dispose();
  }
}

async function fiveServers(targets: readonly Target[]): Promise<Row> {
  const t = await createTestService();
  try {
    const profiles = targets.map((target, i) => profileThrough(target, `five-${i}`));
    await Promise.all(profiles.map((p) => connectAndLeave(t, p, admin.password)));
    return await measureConnect(targets, 'five servers at once, saved keys', t, profiles, undefined);
  } finally {
    await t.dispose();
  }
}

/** Invites, the ledger, the policy and catching up, over one open session. */
async function sessionRows(stock: Target, module: Target): Promise<Row[]> {
  const t = await createTestService();
  const rows: Row[] = [];
  try {
    const stockProfile = profileThrough(stock, 'ops-stock');
    const moduleProfile = profileThrough(module, 'ops-module');
    await t.service.connect({ profile: stockProfile, password: admin.password });
    await t.service.connect({ profile: moduleProfile, password: admin.password });
    const invites = (serverId: string, count: number) => () => t.service.createInvites({ serverId, kind: 'account', count });
    // Prosody rewrites its whole invite file for each stock invite: every run starts from an empty store, or later runs pay for earlier ones.
    const emptyStore = async (): Promise<void> => {
      await t.service.disconnect(stockProfile.id);
      await stock.server.seedInvites(0);
      await t.service.connect({ profile: stockProfile });
    };
    rows.push(await measure([stock], 'one invite, stock', invites(stockProfile.id, 1), { prepare: emptyStore }));
    rows.push(await measure([stock], '100 invites, stock', invites(stockProfile.id, 100), { prepare: emptyStore }));
    rows.push(await measure([module], 'one invite, mod_invite_desk', invites(moduleProfile.id, 1)));
    rows.push(await measure([module], '100 invites, mod_invite_desk', invites(moduleProfile.id, 100)));
    rows.push(await measure([module], 'one ledger page', () => t.service.listInvites({ serverId: moduleProfile.id, limit: 100 })));
    let open = false;
    rows.push(
      await measure([module], 'policy switch', () => {
        open = !open;
        return t.service.setPolicy({ serverId: moduleProfile.id, policy: open ? 'open' : 'invite-only' });
      }),
    );
  } finally {
    await t.dispose();
  }
  return rows;
}

/** From connect to online with 1,000 sign-ups to catch up, each round with a cursor the server has never seen: all of them. */
async function catchUp(module: Target): Promise<Row> {
  await module.server.editHostData((hostDir) => writeFile(join(hostDir, 'invite_desk_events.list'), signupHistory(module.server.domain, SIGNUPS)));
  let t: TestService | null = null;
  const profile = profileThrough(module, 'catch-up');
  return measure([module], `connect, catching up ${SIGNUPS.toLocaleString('en')} sign-ups`, () => (t as TestService).service.connect({ profile, password: admin.password }), {
    prepare: async () => {
      t = await createTestService();
    },
    after: () => (t as TestService).dispose(),
  });
}

const SASL2_MODULES = ['sasl2', 'sasl2_bind2', 'sasl2_fast'];

export async function benchRoundTrips(): Promise<string[]> {
  const started: Target[] = [];
  const start = async (options: Parameters<typeof startProsody>[0]): Promise<Target> => {
    const target = await proxied(await startProsody({ admins: [admin], ...options }));
    started.push(target);
    return target;
  };
  try {
    const stock = await start({ domain: 'rt-stock.test', version: '0.12' });
    const noNagle = await start({ domain: 'rt-no-nagle.test', version: '0.12', extraConfig: 'network_settings = { nagle = false }' });
    const module = await start({ domain: 'rt-module.test', version: '0.12', ...WITH_INVITE_DESK });
    const rows: Row[] = [];
    rows.push(...(await connectRows(stock, '0.12', { starttls: 10, direct: 8 })));
    if (isProsody13Installed()) {
      const version: ProsodyVersion = '13';
      const sasl2 = await start({ domain: 'rt-sasl2.test', version, modules: [...STOCK_MODULES, ...SASL2_MODULES], pluginPaths: [prosodyFlavour(version).moduleDir] });
      rows.push(...(await connectRows(sasl2, '13 + SASL2', { direct: 5 })));
    }
    const others = await Promise.all(['rt-a', 'rt-b', 'rt-c', 'rt-d'].map((name) => start({ domain: `${name}.test`, version: '0.12' })));
    rows.push(await fiveServers([stock, ...others]));
    rows.push(...(await sessionRows(stock, module)));
    rows.push(await catchUp(module));
    rows.push(await measureSignIn(stock, 'sign-in, server default (Nagle on)'));
    rows.push(await measureSignIn(noNagle, 'sign-in, nagle = false'));
    return [
      `  medians of ${ROUNDS} rounds; RT = (time at that RTT − loopback time) / RTT, through a latency proxy on 127.0.0.1`,
      ...formatTable(rows),
      await nagleOnLoopback(stock, noNagle),
      await stockBatchSweep(stock),
    ];
  } finally {
    await Promise.all(started.map(async (t) => {
      await t.starttls.close();
      await t.directTls.close();
      await t.server.stop();
    }));
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log('Round trips (Prosody 0.12, and 13 where installed):');
  for (const line of await benchRoundTrips()) console.log(line);
}
