import { connect as tcpConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAdminService } from '../electron/core/admin-service';
import { MemoryCredentialStore } from '../electron/core/settings/credential-store';
import { freePort, startProsody } from '../test/helpers/prosody';

/**
 * `npm run bench`: what an admin waits for, as ratios against a baseline
 * measured in the same run on the same machine (absolute times on shared
 * machines are noise). Medians of several rounds.
 */

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);

async function median(rounds: number, work: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    await work();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

function tlsHandshake(port: number, servername: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, servername, rejectUnauthorized: false }, () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', reject);
  });
}

function refusedTcp(port: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = tcpConnect(port, '127.0.0.1');
    socket.once('error', () => resolve());
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
  });
}

const server = await startProsody({ domain: 'bench.test' });
const home = await mkdtemp(join(tmpdir(), 'invite-desk-bench-'));
const service = createAdminService(home, new MemoryCredentialStore());
const admin = server.admins[0] ?? { username: 'admin', password: 'admin-password' };
const profile = {
  id: 'bench',
  jid: `${admin.username}@${server.domain}`,
  address: `127.0.0.1:${server.directTlsPort}`,
  directTls: true,
  trustedFingerprint: server.certificateFingerprint(),
};

try {
  const closedPort = await freePort();
  const rows: [string, string, number, number][] = [];

  const handshake = await median(ROUNDS, () => tlsHandshake(server.directTlsPort, server.domain));
  const connect = await median(ROUNDS, async () => {
    await service.connect({ profile, password: admin.password });
    await service.disconnect(profile.id);
  });
  rows.push(['admin connect (sign in + admin check + probe)', 'TLS handshake', connect, handshake]);

  const refused = await median(ROUNDS, () => refusedTcp(closedPort));
  const unreachable = await median(ROUNDS, () =>
    service.connect({ profile: { ...profile, id: 'closed', address: `127.0.0.1:${closedPort}` }, password: admin.password }).catch(() => undefined),
  );
  rows.push(['closed port reported as unreachable', 'refused TCP connect', unreachable, refused]);

  console.log(`Medians of ${ROUNDS} rounds on loopback, as ratios against a baseline measured in this run:`);
  for (const [what, baseline, measured, base] of rows) {
    console.log(`  ${what}: ${(measured / base).toFixed(1)}x ${baseline} (${measured.toFixed(1)} ms vs ${base.toFixed(2)} ms)`);
  }
} finally {
  await service.shutdown();
  await server.stop();
  await rm(home, { recursive: true, force: true });
}
