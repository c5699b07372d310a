import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startPreviewProcess } from '../helpers/preview-process';

describe('npm run preview, as a process', () => {
  // Windows has no POSIX signals: Node ends the child at once there, so there is no clean stop to see.
  it.skipIf(process.platform === 'win32').each(['SIGINT', 'SIGTERM'] as const)('honours INVITE_DESK_PORT and INVITE_DESK_HOME, prints the URL on its own line, and stops cleanly on %s', async (signal) => {
    const preview = await startPreviewProcess();
    try {
      const url = preview.printed.at(-1) ?? '';
      expect(url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${preview.port}/\\?token=[A-Za-z0-9_-]{32}$`));
      expect(preview.printed.join('\n')).toContain(`Settings: ${preview.home}`);

      const page = await fetch(url, { redirect: 'manual' });
      expect(page.status).toBe(303);

      const exited = new Promise<number | null>((done) => preview.child.once('exit', (code) => done(code)));
      preview.child.kill(signal);
      expect(await exited).toBe(0);
      await expect(fetch(`http://127.0.0.1:${preview.port}/`)).rejects.toThrow();
      // The settings file was made in INVITE_DESK_HOME, and nothing was saved in it.
      expect(JSON.parse(await readFile(join(preview.home, 'settings.json'), 'utf8'))).toMatchObject({ version: 4, servers: [] });
    } finally {
      await preview.stop();
    }
  });
});
