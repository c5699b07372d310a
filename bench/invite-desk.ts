import { pathToFileURL } from 'node:url';
import { startProsody, type ProsodyServer, type ProsodyVersion, WITH_INVITE_DESK } from '../test/helpers/prosody';
import { registerAccount } from '../test/helpers/raw-register';
import { command, createInvites, fieldValues, signIn, tokenOf, type Session } from '../test/helpers/invite-desk-protocol';
import { median, ms, printLine, ratioFigure, ROUNDS, timed, rounds, type BenchLine } from './lib';

/**
 * mod_invite_desk against stock Prosody, measured in one run on one machine:
 * a batch of 100 invites in one command against 100 of Prosody's own ad-hoc
 * invites (one at a time, its fastest way) on a store already holding 500 and
 * 5,000 invites; and one registration with and without the module.
 * `npx tsx bench/invite-desk.ts`, or part of `npm run bench`.
 */

const RUNS = Number(process.env.BENCH_INVITE_RUNS ?? 3);
const SIGNUPS = Number(process.env.BENCH_SIGNUPS ?? 30);
const admin = { username: 'admin', password: 'admin-password' };

async function asAdmin<T>(server: ProsodyServer, work: (session: Session) => Promise<T>): Promise<T> {
  const session = await signIn(server, admin, 'bench');
  try {
    return await work(session);
  } finally {
    await session.stop();
  }
}

/** One invite from Prosody's own `urn:xmpp:invite#create-account` command; its token. */
async function stockInvite(session: Session): Promise<string> {
  const token = tokenOf(fieldValues((await command(session, 'urn:xmpp:invite#create-account')).form, 'uri')[0]);
  if (token === undefined) throw new Error('the stock command returned no invite');
  return token;
}

async function hundredInOneBatch(server: ProsodyServer): Promise<number> {
  return asAdmin(server, (session) =>
    timed(async () => {
      if ((await createInvites(session, { count: 100 })).length !== 100) throw new Error('the batch was short');
    }),
  );
}

async function hundredStock(server: ProsodyServer): Promise<number> {
  return asAdmin(server, (session) =>
    timed(async () => {
      for (let i = 0; i < 100; i++) await stockInvite(session);
    }),
  );
}

/** The median time of one registration (STARTTLS, preauth, register) over SIGNUPS sign-ups with stock invites. */
async function registrationTime(server: ProsodyServer, round: number): Promise<number> {
  const tokens = await asAdmin(server, async (session) => {
    const made: string[] = [];
    for (let i = 0; i < SIGNUPS; i++) made.push(await stockInvite(session));
    return made;
  });
  const times: number[] = [];
  for (const [i, token] of tokens.entries()) {
    times.push(
      await timed(async () => {
        const outcome = await registerAccount({ port: server.c2sPort, domain: server.domain, username: `r${round}n${i}`, password: 'pw', token });
        if (!outcome.ok) throw new Error(`registration failed: ${outcome.text}`);
      }),
    );
  }
  return median(times);
}

/** On the Prosody INVITE_DESK_PROSODY names unless `version` says otherwise. */
export async function benchModule(version?: ProsodyVersion): Promise<BenchLine[]> {
  const lines: BenchLine[] = [];
  const withModule = await startProsody({ version, domain: 'bench-module.test', admins: [admin], ...WITH_INVITE_DESK });
  const stockOnly = await startProsody({ version, domain: 'bench-stock.test', admins: [admin] });
  try {
    for (const stored of [500, 5000]) {
      const batch: number[] = [];
      const stock: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        // Both start from the same store: a restart with `stored` pending invites.
        await withModule.seedInvites(stored);
        batch.push(await hundredInOneBatch(withModule));
        await withModule.seedInvites(stored);
        stock.push(await hundredStock(withModule));
      }
      lines.push(ratioFigure(`mod_invite_desk: 100 invites in one batch command, ${stored.toLocaleString('en')} stored`, rounds(RUNS), median(batch), '100 stock ad-hoc invites', median(stock)));
    }

    // Rounds alternate between the servers, so drift on the machine hits both alike.
    const registrations: Record<'with' | 'without', number[]> = { with: [], without: [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, server] of [['with', withModule], ['without', stockOnly]] as const) {
        await server.seedInvites(0);
        registrations[name].push(await registrationTime(server, round));
      }
    }
    const spread = (values: number[]): string => `${ms(Math.min(...values))} to ${ms(Math.max(...values))}`;
    lines.push(ratioFigure('one registration (STARTTLS, preauth, register) with `mod_invite_desk`', `${rounds(ROUNDS)} of ${SIGNUPS} sign-ups`, median(registrations.with), 'the same without it', median(registrations.without)));
    lines.push(`  run-to-run noise, round medians of ${SIGNUPS} sign-ups each: with the module ${spread(registrations.with)}, without ${spread(registrations.without)}`);
  } finally {
    await withModule.stop();
    await stockOnly.stop();
  }
  return lines;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log('mod_invite_desk:');
  for (const line of await benchModule()) console.log(printLine(line));
}
