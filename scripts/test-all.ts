import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * `npm test`: every check and every test suite, then one summary line.
 * Build, lint and typecheck each count as one check; a failure in any of them
 * fails the run. Skipped tests are reported as skipped, never as passed.
 */

const root = resolve(import.meta.dirname, '..');
const vitestReport = resolve(root, 'test-results/vitest.json');

function run(command: string, args: string[]): Promise<boolean> {
  return new Promise((done) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
    child.on('exit', (code) => done(code === 0));
    child.on('error', () => done(false));
  });
}

const npx = (args: string[]): Promise<boolean> => run('npx', ['--no-install', ...args]);

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

let passed = 0;
let failed = 0;
let skipped = 0;
const lines: string[] = [];

for (const [name, check] of checks) {
  console.log(`\n=== ${name} ===`);
  const ok = await check();
  lines.push(`${ok ? 'ok  ' : 'FAIL'} ${name}`);
  if (ok) passed++;
  else failed++;
}

console.log('\n=== tests (unit, component, integration, e2e) ===');
await rm(vitestReport, { force: true });
const testsOk = await npx(['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestReport}`]);
try {
  const report = JSON.parse(await readFile(vitestReport, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
    numFailedTestSuites: number;
  };
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
  // A file that fails to load has no failed test, but it is a failure.
  failed += report.numFailedTestSuites > 0 && report.numFailedTests === 0 ? report.numFailedTestSuites : 0;
  lines.push(`${testsOk ? 'ok  ' : 'FAIL'} tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests + report.numTodoTests} skipped`);
} catch {
  failed++;
  lines.push('FAIL tests: vitest wrote no report');
}
if (!testsOk && failed === 0) failed++;

console.log('\n=== summary ===');
for (const line of lines) console.log(line);
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 ? 0 : 1);
