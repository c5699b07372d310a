import { pathToFileURL } from 'node:url';
import type { AdminActivity } from '../common/api';
import { startProsody, WITH_INVITE_DESK, type ProsodyVersion } from '../test/helpers/prosody';
import { createTestService, eventually, profileFor, type TestService } from '../test/helpers/session';
import { median, printLine, ratioFigure, ROUNDS, rounds, timed, type BenchLine } from './lib';

/**
 * Two admins at once: from admin A's revocation being sent to admin B's app
 * hearing of it (its `activity` event), next to the revocation's own round
 * trip as A waits for it. Target: within 1 s on loopback.
 */

const anna = { username: 'anna', password: 'anna-password' };
const ben = { username: 'ben', password: 'ben-password' };

export async function benchTwoAdmins(version: ProsodyVersion): Promise<BenchLine[]> {
  const server = await startProsody({ version, domain: 'bench-pair.test', admins: [anna, ben], ...WITH_INVITE_DESK });
  const desks: TestService[] = [];
  try {
    // When B's app heard of each revoked invite, taken as the event arrives.
    const heardAt = new Map<string, number>();
    const connect = async (account: typeof anna): Promise<{ t: TestService; serverId: string }> => {
      const t = await createTestService();
      desks.push(t);
      const profile = profileFor(server, account);
      await t.service.connect({ profile, password: account.password });
      return { t, serverId: profile.id };
    };
    const a = await connect(anna);
    const b = await connect(ben);
    b.t.service.on('activity', (entry: AdminActivity) => {
      if (entry.kind === 'invites-revoked') for (const id of entry.invites) heardAt.set(id, performance.now());
    });
    const delays: number[] = [];
    const replies: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const [invite] = await a.t.service.createInvites({ serverId: a.serverId, kind: 'account', note: `round ${round}` });
      const id = (await a.t.service.listInvites({ serverId: a.serverId, query: `round ${round}` })).invites[0]?.id ?? '';
      if (!invite || !id) throw new Error('no invite to revoke');
      const start = performance.now();
      replies.push(await timed(() => a.t.service.revokeInvites({ serverId: a.serverId, ids: [id] })));
      delays.push((await eventually(() => heardAt.get(id), "B hearing of A's revocation", 30_000)) - start);
    }
    return [ratioFigure("Two admins: A's revocation reaching B's app (target 1 s)", rounds(ROUNDS), median(delays), "the revocation's round trip for A", median(replies))];
  } finally {
    for (const t of desks) await t.dispose();
    await server.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log('Two admins:');
  for (const line of await benchTwoAdmins('0.12')) console.log(printLine(line));
}
