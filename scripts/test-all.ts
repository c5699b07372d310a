import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { isProsody13Installed, type ProsodyVersion } from '../test/helpers/prosody';

/**
 * `npm test`: every check and every test suite, then one summary line.
 * Build, lint and typecheck each count as one check; a failure in any of them
 * fails the run. Unit and component tests run once; integration and e2e run
 * against Prosody 0.12 and again against 13. Skipped tests are reported as
 * skipped, never as passed.
 */

const root = resolve(import.meta.dirname, '..');

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  return new Promise((done) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit', env });
    child.on('exit', (code) => done(code === 0));
    child.on('error', () => done(false));
  });
}

const npx = (args: string[], env?: NodeJS.ProcessEnv): Promise<boolean> => run('npx', ['--no-install', ...args], env);

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

for (const [name, check] of checks) {
  console.log(`\n=== ${name} ===`);
  const ok = await check();
  lines.push(`${ok ? 'ok  ' : 'FAIL'} ${name}`);
  if (ok) total.passed++;
  else total.failed++;
}

interface VitestReport {
  testResults: { name: string; status: string; assertionResults: { status: string }[] }[];
}

/** Runs vitest on `suites` and records each suite's tally; `label` tells the runs of one suite apart. */
async function runSuites(suites: readonly string[], label: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const report = resolve(root, `test-results/vitest-${label.replace(/\W+/g, '-')}.json`);
  console.log(`\n=== tests: ${suites.join(', ')} (${label}) ===`);
  await rm(report, { force: true });
  const ok = await npx(['vitest', 'run', ...suites.flatMap((s) => ['--project', s]), '--reporter=default', '--reporter=json', `--outputFile.json=${report}`], env);
  let files: VitestReport['testResults'];
  try {
    files = (JSON.parse(await readFile(report, 'utf8')) as VitestReport).testResults;
  } catch {
    // Vitest itself did not get far enough to write a report: every suite it was to run failed.
    for (const suite of suites) record(`${suite} (${label})`, { passed: 0, failed: 1, skipped: 0 }, ': vitest wrote no report');
    return;
  }
  let failedHere = 0;
  for (const suite of suites) {
    const tally: Tally = { passed: 0, failed: 0, skipped: 0 };
    for (const file of files.filter((f) => relative(root, f.name).startsWith(`test/${suite}/`))) {
      const before = tally.failed;
      for (const test of file.assertionResults) {
        if (test.status === 'passed') tally.passed++;
        else if (test.status === 'failed') tally.failed++;
        else tally.skipped++;
      }
      // A file that fails to load, or whose setup fails, may have no failed test; it is still a failure.
      if (file.status === 'failed' && tally.failed === before) tally.failed++;
    }
    failedHere += tally.failed;
    record(`${suite} (${label})`, tally);
  }
  if (!ok && failedHere === 0) record(`vitest (${label})`, { passed: 0, failed: 1, skipped: 0 }, ': it exited with an error outside any test');
}

await runSuites(['unit', 'component', 'host'], 'no server');
const versions: ProsodyVersion[] = ['0.12', '13'];
for (const version of versions) {
  const label = `Prosody ${version}`;
  if (version === '13' && !isProsody13Installed()) {
    for (const suite of ['integration', 'e2e']) record(`${suite} (${label})`, { passed: 0, failed: 1, skipped: 0 }, ': not installed; run scripts/install-prosody-13.sh');
    continue;
  }
  await runSuites(['integration', 'e2e'], label, { ...process.env, INVITE_DESK_PROSODY: version });
}

console.log('\n=== summary ===');
for (const line of lines) console.log(line);
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed === 0 ? 0 : 1);
