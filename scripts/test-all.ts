import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { isProsody13Installed, type ProsodyVersion } from '../test/helpers/prosody';

/**
 * `npm test`: every check and every test suite, then one summary line.
 * Build, lint and typecheck each count as one check; a failure in any of them
 * fails the run. Unit, component and host tests run once; integration and e2e
 * run against Prosody 0.12 and again against 13, on file storage; then a
 * representative set on SQLite (both versions) and PostgreSQL. Skipped tests
 * are reported as skipped, never as passed.
 */

const root = resolve(import.meta.dirname, '..');

interface RunOptions {
  env?: NodeJS.ProcessEnv;
  /** Hold the output and print it in one piece at the end, so that runs side by side do not interleave. */
  buffered?: boolean;
}

function run(command: string, args: string[], { env = process.env, buffered = false }: RunOptions = {}): Promise<boolean> {
  return new Promise((done) => {
    const child = spawn(command, args, { cwd: root, stdio: buffered ? ['ignore', 'pipe', 'pipe'] : 'inherit', env });
    const output: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk));
    child.on('close', (code) => {
      process.stdout.write(Buffer.concat(output));
      done(code === 0);
    });
    child.on('error', () => done(false));
  });
}

const npx = (args: string[], options?: RunOptions): Promise<boolean> => run('npx', ['--no-install', ...args], options);

const checks: [string, () => Promise<boolean>][] = [
  ['build', () => npx(['electron-vite', 'build'])],
  ['lint', () => npx(['eslint', '.', '--max-warnings', '0'])],
  ['typecheck', () => run('npm', ['run', '--silent', 'typecheck'])],
  // After the build: it scans what was built.
  ['electronegativity', () => npx(['tsx', 'scripts/electronegativity.ts'])],
];
if (existsSync(resolve(root, 'prosody/mod_invite_desk'))) {
  checks.push(['luacheck', () => run('luacheck', ['--config', 'prosody/.luacheckrc', 'prosody/'])]);
}

interface Tally {
  passed: number;
  failed: number;
  skipped: number;
}

const total: Tally = { passed: 0, failed: 0, skipped: 0 };
const lines: string[] = [];

function record(name: string, tally: Tally, note = ''): void {
  total.passed += tally.passed;
  total.failed += tally.failed;
  total.skipped += tally.skipped;
  lines.push(`${tally.failed === 0 ? 'ok  ' : 'FAIL'} ${name}: ${tally.passed} passed, ${tally.failed} failed, ${tally.skipped} skipped${note}`);
}

// Checks are not tests: they are listed, and fail the run, but the closing line counts tests only.
let failedChecks = 0;
for (const [name, check] of checks) {
  console.log(`\n=== ${name} ===`);
  const ok = await check();
  lines.push(`${ok ? 'ok  ' : 'FAIL'} ${name}`);
  if (!ok) failedChecks++;
}

interface VitestReport {
  testResults: { name: string; status: string; assertionResults: { status: string }[] }[];
}

interface SuiteResult {
  name: string;
  tally: Tally;
  note?: string;
}

const failedToRun = (name: string, note: string): SuiteResult => ({ name, tally: { passed: 0, failed: 1, skipped: 0 }, note });

/** Runs vitest on `suites` (only `files` of them, when given) and tallies each suite; `label` tells the runs of one suite apart. */
async function runSuites(suites: readonly string[], label: string, options: RunOptions & { files?: readonly string[]; exclude?: readonly string[] } = {}): Promise<SuiteResult[]> {
  const report = resolve(root, `test-results/vitest-${suites.join('-')}-${label.replace(/\W+/g, '-')}.json`);
  const header = `\n=== tests: ${suites.join(', ')} (${label}) ===`;
  console.log(options.buffered ? `${header} started; its output follows when it ends` : header);
  await rm(report, { force: true });
  const args = ['vitest', 'run', ...suites.flatMap((s) => ['--project', s]), ...(options.files ?? []), ...(options.exclude ?? []).flatMap((file) => ['--exclude', file]), '--reporter=default', '--reporter=json', `--outputFile.json=${report}`];
  const ok = await npx(args, options);
  if (options.buffered) console.log(`=== end of tests: ${suites.join(', ')} (${label}) ===`);
  let files: VitestReport['testResults'];
  try {
    files = (JSON.parse(await readFile(report, 'utf8')) as VitestReport).testResults;
  } catch {
    // Vitest itself did not get far enough to write a report: every suite it was to run failed.
    return suites.map((suite) => failedToRun(`${suite} (${label})`, 'vitest wrote no report'));
  }
  const results = suites.map((suite): SuiteResult => {
    const tally: Tally = { passed: 0, failed: 0, skipped: 0 };
    for (const file of files.filter((f) => relative(root, f.name).startsWith(`test/${suite}/`))) {
      const before = tally.failed;
      // In a file that failed to start (its setup threw), the tests that never ran failed too: they are not skipped.
      const unrun = file.status === 'failed' ? 'failed' : 'skipped';
      for (const test of file.assertionResults) {
        if (test.status === 'passed') tally.passed++;
        else if (test.status === 'failed') tally.failed++;
        else tally[unrun]++;
      }
      // A file that fails to load has no tests listed at all; it still counts as one failure.
      if (file.status === 'failed' && tally.failed === before) tally.failed++;
    }
    return { name: `${suite} (${label})`, tally };
  });
  if (!ok && results.every((r) => r.tally.failed === 0)) results.push(failedToRun(`vitest (${label})`, 'it exited with an error outside any test'));
  return results;
}

const versions: ProsodyVersion[] = ['0.12', '13'];
const label = (version: ProsodyVersion): string => `Prosody ${version}`;
const env = (version: ProsodyVersion): NodeJS.ProcessEnv => ({ ...process.env, INVITE_DESK_PROSODY: version });
const installed = versions.filter((version) => version !== '13' || isProsody13Installed());
// The suites that need no server and the integration runs of the two versions go
// side by side: the integration runs mostly wait on Prosody and on sockets, which
// leaves room on two cores for the others. The e2e runs drive one browser at a
// time, one version after the other.
const firstRuns = await Promise.all([
  runSuites(['unit', 'component', 'host'], 'no server', { buffered: true }),
  ...installed.map((version) => runSuites(['integration'], label(version), { env: env(version), buffered: true })),
]);
const results = firstRuns.flat();
// Screens that look the same whatever the server's version and storage: the 0.12 file-storage run has them, the others leave them out.
const ONCE_E2E = ['test/e2e/pseudo-locale.test.ts'];
for (const version of installed) results.push(...(await runSuites(['e2e'], label(version), { env: env(version), exclude: version === '0.12' ? [] : ONCE_E2E })));
for (const version of versions.filter((v) => !installed.includes(v))) {
  for (const suite of ['integration', 'e2e']) results.push(failedToRun(`${suite} (${label(version)})`, 'not installed; run scripts/install-prosody-13.sh'));
}

// SQL storage: what the module stores and reads, on SQLite beside file storage on both versions, and
// on PostgreSQL (a throwaway cluster the tests start). A representative set, chosen for what touches
// storage: the module's rules, catch-up, the ledger, requests, member invites, onboarding and two admins at once;
// the whole matrix would double the run. Each run is its own summary line.
const SQL_INTEGRATION = [
  'test/integration/invite-desk-module.test.ts',
  'test/integration/hostile/module-races.test.ts',
  'test/integration/signup-history.test.ts',
  'test/integration/catch-up-gap.test.ts',
  'test/integration/join-requests.test.ts',
  'test/integration/member-invites.test.ts',
  'test/integration/onboarding-module.test.ts',
  'test/integration/ledger-app.test.ts',
  'test/integration/two-admins-app.test.ts',
];
const SQL_E2E = ['test/e2e/activity.test.ts', 'test/e2e/invites.test.ts'];
const POSTGRES_INTEGRATION = ['test/integration/invite-desk-module.test.ts', 'test/integration/two-admins-app.test.ts'];
const onStorage = (version: ProsodyVersion, storage: 'sqlite' | 'postgres'): NodeJS.ProcessEnv => ({ ...env(version), INVITE_DESK_STORAGE: storage });
const sqlLabel = (version: ProsodyVersion, storage: string): string => `${label(version)}, ${storage}`;
// The SQL integration runs go side by side too, for the same reason.
const sqlIntegration = await Promise.all([
  ...installed.map((version) => runSuites(['integration'], sqlLabel(version, 'SQLite'), { env: onStorage(version, 'sqlite'), files: SQL_INTEGRATION, buffered: true })),
  runSuites(['integration'], sqlLabel('0.12', 'PostgreSQL'), { env: onStorage('0.12', 'postgres'), files: POSTGRES_INTEGRATION, buffered: true }),
]);
results.push(...sqlIntegration.flat());
results.push(...(await runSuites(['e2e'], sqlLabel('0.12', 'SQLite'), { env: onStorage('0.12', 'sqlite'), files: SQL_E2E })));

for (const { name, tally, note } of results) record(name, tally, note === undefined ? '' : `: ${note}`);

console.log('\n=== summary ===');
for (const line of lines) console.log(line);
console.log(`checks: ${checks.length - failedChecks} ok, ${failedChecks} failed`);
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed === 0 && failedChecks === 0 ? 0 : 1);
