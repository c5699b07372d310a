import { pathToFileURL } from 'node:url';
import { startProsody, type ProsodyServer, type ProsodyVersion, WITH_INVITE_DESK } from '../test/helpers/prosody';
import { signUp } from '../test/helpers/raw-register';
import { decide, listRequests, setPolicy, signIn, type Session } from '../test/helpers/invite-desk-protocol';
import { median, printLine, ratioFigure, ROUNDS, rounds, timed, type BenchLine } from './lib';

/**
 * A spam wave under "Ask to join": 200 sign-ups without an invite, listed as
 * 200 requests, then all rejected (their accounts deleted) in one request.
 * Both are timed against the 200 sign-ups themselves, measured in the same
 * round on the same server. Target for the rejection: 2 s on loopback.
 * `npx tsx bench/join-requests.ts`, or `npm run bench -- requests`.
 */

const BURST = Number(process.env.BENCH_REQUESTS ?? 200);
/** Sign-ups in flight at once, as a wave of bots sends them. */
const IN_FLIGHT = 10;
const admin = { username: 'admin', password: 'admin-password' };

async function burst(server: ProsodyServer, round: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < BURST; i = next++) {
      const outcome = await signUp(server, `bot${round}x${i}`);
      if (!outcome.ok) throw new Error(`sign-up ${i} was refused: ${outcome.text}`);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
}

/** On the Prosody INVITE_DESK_PROSODY names unless `version` says otherwise. */
export async function benchJoinRequests(version?: ProsodyVersion): Promise<BenchLine[]> {
  const server = await startProsody({ version, domain: 'bench-requests.test', admins: [admin], ...WITH_INVITE_DESK });
  let session: Session | undefined;
  try {
    session = await signIn(server, admin, 'bench');
    await setPolicy(session, 'approval');
    const times = { signups: [] as number[], listing: [] as number[], rejection: [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      times.signups.push(await timed(() => burst(server, round)));
      const admin = session;
      times.listing.push(
        await timed(async () => {
          const { total, rows } = await listRequests(admin);
          if (total !== BURST || rows.length !== BURST) throw new Error(`${BURST} sign-ups were listed as ${total} requests`);
        }),
      );
      times.rejection.push(
        await timed(async () => {
          const { decided } = await decide(admin, 'reject', 'all');
          if (decided.length !== BURST) throw new Error(`rejecting all rejected ${decided.length} of ${BURST}`);
        }),
      );
    }
    const baseline = `the ${BURST} sign-ups themselves (${IN_FLIGHT} at a time)`;
    return [
      ratioFigure(`mod_invite_desk: ${BURST} requests to join listed, in one command`, rounds(ROUNDS), median(times.listing), baseline, median(times.signups)),
      ratioFigure(`mod_invite_desk: ${BURST} requests to join rejected, accounts deleted, in one command (target ≤ 2 s)`, rounds(ROUNDS), median(times.rejection), baseline, median(times.signups)),
    ];
  } finally {
    await session?.stop();
    await server.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log('Requests to join:');
  for (const line of await benchJoinRequests()) console.log(printLine(line));
}
