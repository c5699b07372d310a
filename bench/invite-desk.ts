import { createStockInvites } from '../electron/core/features/invites';
import { createModuleInvites } from '../electron/core/features/invite-desk';
import { listCommands } from '../electron/core/xmpp/disco';
import type { SessionContext } from '../electron/core/features/context';
import { PROJECT_PLUGIN_PATH, STOCK_MODULES, startProsody, type ProsodyServer } from '../test/helpers/prosody';
import { registerAccount } from '../test/helpers/raw-register';
import { otherClient } from '../test/helpers/session';
import { median, ms, ratioLine, timed } from './lib';

const RUNS = Number(process.env.BENCH_INVITE_RUNS ?? 3);
const SIGNUPS = Number(process.env.BENCH_SIGNUPS ?? 30);

async function withContext<T>(server: ProsodyServer, work: (ctx: SessionContext) => Promise<T>): Promise<T> {
  const admin = server.admins[0];
  if (!admin) throw new Error('no admin');
  const client = await otherClient(server, admin, 'bench');
  try {
    const commands = await listCommands(client.iqCaller, server.domain, 10_000);
    return await work({
      serverId: 'bench',
      account: `${admin.username}@${server.domain}`,
      domain: server.domain,
      iq: client.iqCaller,
      timeoutMs: 120_000,
      commands: new Set(commands.map((c) => c.node)),
    });
  } finally {
    await client.entity.stop();
  }
}

/**
 * mod_invite_desk's batch command against stock ad-hoc invites on a store
 * that already holds many, and what the module adds to a registration.
 */
export async function benchModule(): Promise<string[]> {
  const lines: string[] = [];
  const withModule = await startProsody({ domain: 'bench-module.test', modules: [...STOCK_MODULES, 'invite_desk'], pluginPaths: [PROJECT_PLUGIN_PATH] });
  const stockOnly = await startProsody({ domain: 'bench-stock.test' });
  try {
    for (const stored of [500, 5000]) {
      const batch: number[] = [];
      const stock: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        await withModule.seedInvites(stored);
        batch.push(await withContext(withModule, (ctx) => timed(() => createModuleInvites(ctx, { serverId: 'bench', kind: 'account', count: 100 }))));
        await withModule.seedInvites(stored);
        stock.push(await withContext(withModule, (ctx) => timed(() => createStockInvites(ctx, 'account', 100))));
      }
      lines.push(ratioLine(`100 invites in one batch command, ${stored} stored`, median(batch), '100 stock ad-hoc invites', median(stock)));
    }

    // Registration cost: the same sign-ups with and without the module, three rounds each to show the noise.
    const rounds: Record<string, number[]> = { with: [], without: [] };
    for (let round = 0; round < 3; round++) {
      for (const [name, server] of [['with', withModule], ['without', stockOnly]] as const) {
        await server.seedInvites(0);
        const invites = await withContext(server, (ctx) => createStockInvites(ctx, 'account', SIGNUPS));
        const times: number[] = [];
        for (const [i, invite] of invites.entries()) {
          times.push(
            await timed(async () => {
              const outcome = await registerAccount({ port: server.c2sPort, domain: server.domain, username: `r${round}x${i}`, password: 'pw', token: invite.token });
              if (!outcome.ok) throw new Error(`registration failed: ${outcome.condition}`);
            }),
          );
        }
        rounds[name]?.push(median(times));
      }
    }
    const spread = (values: number[]): string => `${ms(Math.min(...values))} to ${ms(Math.max(...values))}`;
    lines.push(
      `  one registration (STARTTLS, preauth, register), medians of ${SIGNUPS} per round: with the module ${spread(rounds.with ?? [])}, without ${spread(rounds.without ?? [])} across 3 rounds`,
    );
  } finally {
    await withModule.stop();
    await stockOnly.stop();
  }
  return lines;
}
