import { isProsody13Installed, prosodyVersionFromEnv, startProsody, type ProsodyServer, type ProsodyVersion } from '../test/helpers/prosody';
import { benchCatchUp, benchCatchUpOnSqlite } from './catch-up';
import { benchConnect } from './connect';
import { benchInvites } from './invites';
import { benchJoinRequests } from './join-requests';
import { benchLedger } from './ledger';
import { benchSignups } from './signups';
import { benchModule } from './invite-desk';
import { benchOnboarding } from './onboarding';
import { benchUi } from './ui';
import { benchStartUp } from './start-up';
import { benchRoundTrips } from './round-trips';
import { benchTwoAdmins } from './two-admins';
import { markdownTable, printLine, type BenchLine, type Figure } from './lib';

/**
 * `npm run bench`: what an admin waits for, each figure next to a baseline
 * measured in the same run on the same machine (absolute times on shared
 * machines are noise). Medians of several rounds; set BENCH_ROUNDS for more.
 * Invites and sign-ups are measured on Prosody 0.12 and, where it is
 * installed, 13; each version's figures sit next to that version's baseline.
 * It ends with every figure as the Markdown table the README shows.
 */
type Section = [string, (server: ProsodyServer) => Promise<BenchLine[]>];

const perVersion: Section[] = [
  ['Sign-ups', benchSignups],
  ['Invites on stock Prosody', benchInvites],
  ['mod_invite_desk', (server) => benchModule(server.version)],
  ['Catching up', (server) => benchCatchUp(server.version)],
  ['Catching up on SQLite', (server) => benchCatchUpOnSqlite(server.version)],
  ['The ledger', (server) => benchLedger(server.version)],
  ['The ledger on SQLite', (server) => benchLedger(server.version, 'sqlite')],
  ['Requests to join', (server) => benchJoinRequests(server.version)],
  ['Onboarding', (server) => benchOnboarding(server.version)],
  ['Two admins', (server) => benchTwoAdmins(server.version)],
];
const once: Section[] = [
  ['Round trips at 100 and 200 ms RTT', () => benchRoundTrips()],
  ['Signing in', benchConnect],
  ['Start-up', () => benchStartUp()],
  ['The UI', () => benchUi()],
];

const only = process.argv.slice(2);
const figures: { prosody: string; figure: Figure }[] = [];
const wanted = ([title]: Section): boolean => only.length === 0 || only.some((o) => title.toLowerCase().includes(o.toLowerCase()));

async function runSections(version: ProsodyVersion, sections: Section[]): Promise<void> {
  const chosen = sections.filter(wanted);
  if (chosen.length === 0) return;
  const server = await startProsody({ domain: 'bench.test', version });
  try {
    for (const [title, bench] of chosen) {
      console.log(`${title} (Prosody ${version}):`);
      // One version's failure should not hide the other's figures; the exit code still reports it.
      try {
        for (const line of await bench(server)) {
          console.log(printLine(line));
          if (typeof line !== 'string') figures.push({ prosody: version, figure: line });
        }
      } catch (error) {
        console.log(`  failed: ${(error as Error).message}`);
        process.exitCode = 1;
      }
    }
  } finally {
    await server.stop();
  }
}

const versions: ProsodyVersion[] = isProsody13Installed() ? ['0.12', '13'] : ['0.12'];
if (versions.length === 1) console.log('Prosody 13 is not installed (scripts/install-prosody-13.sh), so there are figures for 0.12 only.');
for (const version of versions) await runSections(version, perVersion);
await runSections(prosodyVersionFromEnv(), once);
if (figures.length > 0) {
  console.log('\nThe table (README, Performance):\n');
  for (const line of markdownTable(figures)) console.log(line);
}
