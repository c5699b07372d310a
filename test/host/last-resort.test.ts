import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

/** A host process with the last-resort guard: errors nobody caught are logged, and it goes on. */
function runGuarded(script: string): { stdout: string; stderr: string; status: number | null } {
  const program = `import { keepProcessAlive } from './electron/core/last-resort.ts';\n${script}`;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', program], { cwd: root, encoding: 'utf8', timeout: 30_000 });
  return { stdout: result.stdout, stderr: result.stderr, status: result.status };
}

describe('the last-resort guard of a host process', () => {
  it('logs an uncaught exception and an unhandled rejection, and keeps running', () => {
    const { stdout, stderr, status } = runGuarded(`
      keepProcessAlive();
      setTimeout(() => { throw new Error('boom from a timer'); }, 10);
      setTimeout(() => { void Promise.reject(new Error('nobody awaited this')); }, 20);
      setTimeout(() => console.log('still serving'), 100);
    `);
    expect(status).toBe(0);
    expect(stdout).toContain('still serving');
    expect(stderr).toContain('boom from a timer');
    expect(stderr).toContain('nobody awaited this');
  });

  it('is what keeps it alive: without it, the same error ends the process', () => {
    const { stdout, status } = runGuarded(`
      setTimeout(() => { throw new Error('boom from a timer'); }, 10);
      setTimeout(() => console.log('still serving'), 100);
    `);
    expect(status).not.toBe(0);
    expect(stdout).not.toContain('still serving');
  });
});
