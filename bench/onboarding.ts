import { pathToFileURL } from 'node:url';
import { startProsody, type ProsodyVersion, WITH_INVITE_DESK } from '../test/helpers/prosody';
import { registerAccount } from '../test/helpers/raw-register';
import { createInvites, signIn, type CreateOptions } from '../test/helpers/invite-desk-protocol';
import { createClubRooms } from '../test/helpers/rooms';
import { median, printLine, ratioFigure, ROUNDS, rounds, timed, type BenchLine } from './lib';

/**
 * What onboarding adds to a sign-up: one registration (STARTTLS, preauth,
 * register) with an invite that brings two rooms (one members-only), a
 * contact and a welcome, against one with a plain invite on the same server.
 * The server answers the registration only once the set is applied, so the
 * new member waits for all of it. `npx tsx bench/onboarding.ts`, or the
 * "Onboarding" section of `npm run bench`.
 */

const SIGNUPS = Number(process.env.BENCH_SIGNUPS ?? 20);
const admin = { username: 'admin', password: 'admin-password' };
const moderator = { username: 'moderator', password: 'moderator-password' };

export async function benchOnboarding(version?: ProsodyVersion): Promise<BenchLine[]> {
  const server = await startProsody({ version, domain: 'bench-onboarding.test', admins: [admin], users: [moderator], rooms: true, ...WITH_INVITE_DESK });
  try {
    const session = await signIn(server, admin, 'bench');
    const times: Record<'with' | 'without', number[]> = { with: [], without: [] };
    try {
      const rooms = await createClubRooms(session, server.conference ?? '');
      const set: CreateOptions = { onboarding: 'invite', rooms: [rooms.general, rooms.chess], contacts: ['moderator'], welcome: 'Welcome, {name}!' };
      // Rounds alternate between the two kinds, so drift on the machine hits both alike.
      for (let round = 0; round < ROUNDS; round++) {
        for (const [kind, options] of [['with', { ...set, count: SIGNUPS }], ['without', { count: SIGNUPS }]] as const) {
          const invites = await createInvites(session, options);
          const each: number[] = [];
          for (const [i, invite] of invites.entries()) {
            each.push(
              await timed(async () => {
                const outcome = await registerAccount({ port: server.c2sPort, domain: server.domain, username: `${kind}${round}n${i}`, password: 'pw', token: invite.token });
                if (!outcome.ok) throw new Error(`registration failed: ${outcome.text}`);
              }),
            );
          }
          times[kind].push(median(each));
        }
      }
    } finally {
      await session.stop();
    }
    return [
      ratioFigure('one registration whose invite brings 2 rooms (1 members-only), a contact and a welcome', `${rounds(ROUNDS)} of ${SIGNUPS} sign-ups`, median(times.with), 'the same with a plain invite', median(times.without)),
    ];
  } finally {
    await server.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log('Onboarding:');
  for (const line of await benchOnboarding()) console.log(printLine(line));
}
