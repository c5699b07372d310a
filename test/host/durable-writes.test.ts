import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

/**
 * A save is durable once it returns: the new file's content reached the disk
 * before it replaced the old one, and so did the replacement itself (the
 * folder's entry). Checked on the system calls a real save makes, traced
 * with strace: the file fsynced before its rename, the folder fsynced after.
 */

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');

let home = '';
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'invite-desk-durable-'));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

/** The system calls of one save, as `fsync(FD</path>)` and `rename("from", "to")` lines in the order made. */
async function tracedSave(what: 'settings' | 'credentials'): Promise<string[]> {
  const trace = join(home, `${what}.strace`);
  const available = await run('strace', ['-V']).then(() => true, () => false);
  if (!available) throw new Error('These tests trace system calls with strace: apt-get install strace');
  await run('strace', ['-f', '-y', '-qq', '-e', 'trace=fsync,fdatasync,rename,renameat,renameat2', '-o', trace,
    process.execPath, '--import', 'tsx', 'test/helpers/save-loop.ts', home, what, '00'.repeat(32), '1'], { cwd: root, timeout: 60_000 });
  return (await readFile(trace, 'utf8')).split('\n').map((line) => line.replace(/^\d+\s+/, '')).filter((line) => line !== '');
}

describe('saving settings and sign-ins', () => {
  for (const [what, file] of [['settings', 'settings.json'], ['credentials', 'credentials.json']] as const) {
    it(`fsyncs ${file} before it replaces the old one, and its folder after`, async () => {
      const calls = await tracedSave(what);
      const target = join(home, file);
      const renamed = calls.findIndex((line) => /^rename(?:at2?)?\(/.test(line) && line.includes(`"${target}"`));
      expect(renamed, calls.join('\n')).toBeGreaterThan(0);
      const temporary = /"([^"]+)"/.exec(calls[renamed] ?? '')?.[1] ?? '';
      expect(temporary).not.toBe(target);
      expect(calls.slice(0, renamed).some((line) => /^f(?:data)?sync\(\d+</.test(line) && line.includes(`<${temporary}>`)), calls.join('\n')).toBe(true);
      expect(calls.slice(renamed + 1).some((line) => /^fsync\(\d+</.test(line) && line.includes(`<${home}>`)), calls.join('\n')).toBe(true);
    });
  }
});
