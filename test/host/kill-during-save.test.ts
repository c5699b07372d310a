import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EncryptedFileCredentialStore } from '../../electron/core/settings/credential-store';
import { openNodeSettings } from '../../electron/core/settings/settings-store';
import { testCipher } from '../helpers/test-cipher';

/**
 * `kill -9` in the middle of saving, again and again. After every kill the
 * files still parse, nothing that was acknowledged is lost, and the next start
 * removes what the interrupted write left behind.
 */

const root = resolve(import.meta.dirname, '../..');
const KILLS = 5;

let home = '';
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'invite-desk-kill-'));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

/** Runs the save loop until it has acknowledged a few writes, then SIGKILLs it at a random moment; returns the last acknowledged value. */
function saveThenKill(what: 'settings' | 'credentials', key: string): Promise<number> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/save-loop.ts', home, what, key], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let last = -1;
    let acks = 0;
    let errors = '';
    let pending = '';
    child.stderr.on('data', (data: Buffer) => (errors += data.toString()));
    child.stdout.on('data', (data: Buffer) => {
      pending += data.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const found = /^ack (\d+)$/.exec(line);
        if (!found) continue;
        last = Number(found[1]);
        // Kill somewhere in the next write: after 5 to 40 acknowledgements.
        if (++acks === 5) setTimeout(() => child.kill('SIGKILL'), Math.random() * 30);
      }
    });
    child.once('exit', (code, signal) => {
      if (signal !== 'SIGKILL') fail(new Error(`the save loop ended by itself (${code}): ${errors}`));
      else done(last);
    });
  });
}

describe('kill -9 during saves', () => {
  it('never breaks settings.json nor loses an acknowledged change', async () => {
    for (let round = 0; round < KILLS; round++) {
      const acknowledged = await saveThenKill('settings', randomBytes(32).toString('hex'));
      const { store } = openNodeSettings(home);
      expect(store.read().window?.x ?? -1).toBeGreaterThanOrEqual(acknowledged);
      expect((await readdir(home)).filter((name) => name.includes('tmp'))).toEqual([]);
    }
  }, 120_000);

  it('never breaks credentials.json nor loses acknowledged keys', async () => {
    const key = randomBytes(32).toString('hex');
    const store = new EncryptedFileCredentialStore(join(home, 'credentials.json'), testCipher(Buffer.from(key, 'hex')));
    for (let round = 0; round < KILLS; round++) {
      const acknowledged = await saveThenKill('credentials', key);
      // The app's start: preparing the folder removes what the killed write left.
      openNodeSettings(home);
      expect((await store.get('server-1'))?.iterations ?? -1).toBeGreaterThanOrEqual(acknowledged);
      expect((await readdir(home)).filter((name) => name.includes('tmp'))).toEqual([]);
    }
  }, 120_000);
});
