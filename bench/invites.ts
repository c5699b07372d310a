import { createStockInvites } from '../electron/core/features/invites';
import type { SessionContext } from '../electron/core/features/context';
import { listCommands } from '../electron/core/xmpp/disco';
import { createTestService, otherClient } from '../test/helpers/session';
import { cliInviteArgs, type Account, type ProsodyServer } from '../test/helpers/prosody';
import { median, ms, ratioFigure, timed, rounds, type BenchLine } from './lib';

const COUNT = 100;
const RUNS = Number(process.env.BENCH_INVITE_RUNS ?? 3);

/**
 * 100 account invites over one admin session against 100 runs of the
 * version's command-line invite (`prosodyctl mod_invites generate` on 0.12,
 * `prosodyctl shell invite create_account` on 13), each run on a fresh store
 * holding 0 or 500 invites; and the session's batch strategies against each other.
 */
export async function benchInvites(server: ProsodyServer): Promise<BenchLine[]> {
  const admin = server.admins[0];
  if (!admin) throw new Error('the bench server has no admin');
  const lines: BenchLine[] = [];
  const t = await createTestService();
  const profile = { id: 'bench-invites', jid: `${admin.username}@${server.domain}`, address: `127.0.0.1:${server.c2sPort}`, trustedFingerprint: server.certificateFingerprint() };
  try {
    for (const stored of [0, 500]) {
      const session: number[] = [];
      const cliTimes: number[] = [];
      const strategies = new Map<number, number[]>([[1, []], [8, []], [COUNT, []]]);
      for (let i = 0; i < RUNS; i++) {
        for (const [concurrency, times] of strategies) {
          await server.seedInvites(stored);
          const opened = await openContext(server, admin);
          times.push(await timed(() => createStockInvites(opened.ctx, 'account', COUNT, concurrency)));
          await opened.close();
        }
        await server.seedInvites(stored);
        await t.service.connect({ profile, password: admin.password });
        session.push(await timed(() => t.service.createInvites({ serverId: profile.id, kind: 'account', count: COUNT })));
        await t.service.disconnect(profile.id);

        await server.seedInvites(stored);
        cliTimes.push(
          await timed(async () => {
            for (let n = 0; n < COUNT; n++) await server.createInviteWithCli();
          }),
        );
      }
      const cli = ['prosodyctl', ...cliInviteArgs(server.version, server.domain)].join(' ');
      lines.push(ratioFigure(`${COUNT} account invites over one session, ${stored === 0 ? 'empty store' : `${stored} invites stored`}`, rounds(RUNS), median(session), `${COUNT} x \`${cli}\``, median(cliTimes)));
      const [one, eight, all] = [...strategies.values()].map(median);
      lines.push(`    batch strategy, ${stored} stored, medians of ${RUNS} runs: one at a time ${ms(one ?? NaN)}, 8 in flight ${ms(eight ?? NaN)}, all ${COUNT} in flight ${ms(all ?? NaN)}`);
    }
  } finally {
    await t.dispose();
  }
  return lines;
}

/** A session context of its own, to try batch strategies the API does not expose. */
async function openContext(server: ProsodyServer, admin: Account): Promise<{ ctx: SessionContext; close(): Promise<void> }> {
  const client = await otherClient(server, admin, 'bench-strategy');
  const commands = await listCommands(client.iqCaller, server.domain, 10_000);
  const ctx: SessionContext = {
    serverId: 'bench',
    account: `${admin.username}@${server.domain}`,
    domain: server.domain,
    iq: client.iqCaller,
    timeoutMs: 30_000,
    commands: new Set(commands.map((c) => c.node)),
  };
  return { ctx, close: () => client.entity.stop().then(() => undefined) };
}
