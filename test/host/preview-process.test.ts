import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { freePort } from '../helpers/prosody';

const root = resolve(import.meta.dirname, '../..');

describe('npm run preview, as a process', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('honours INVITE_DESK_PORT and INVITE_DESK_HOME, prints the URL on its own line, and stops cleanly on %s', async (signal) => {
    const home = await mkdtemp(join(tmpdir(), 'invite-desk-preview-home-'));
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/preview.ts'], {
      cwd: root,
      env: { ...process.env, INVITE_DESK_PORT: String(port), INVITE_DESK_HOME: home },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const lines = createInterface({ input: child.stdout });
      const printed: string[] = [];
      let url = '';
      for await (const line of lines) {
        printed.push(line);
        if (line.startsWith('http://127.0.0.1:')) {
          url = line;
          break;
        }
      }
      expect(url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/\\?token=[A-Za-z0-9_-]{32}$`));
      expect(printed.join('\n')).toContain(`Settings: ${home}`);

      const page = await fetch(url, { redirect: 'manual' });
      expect(page.status).toBe(303);

      const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
      child.kill(signal);
      expect(await exited).toBe(0);
      await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
      // The settings file was made in INVITE_DESK_HOME, and nothing was saved in it.
      expect(JSON.parse(await readFile(join(home, 'settings.json'), 'utf8'))).toMatchObject({ version: 4, servers: [] });
    } finally {
      child.kill('SIGKILL');
      await rm(home, { recursive: true, force: true });
    }
  });
});
