import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { freePort } from './ports';

const root = resolve(import.meta.dirname, '../..');

export interface PreviewProcess {
  child: ChildProcess;
  port: number;
  token: string;
  home: string;
  /** The lines it printed up to and with its address. */
  printed: string[];
  /** Everything it wrote to stderr. */
  stderr(): string;
  stop(): Promise<void>;
}

/** `npm run preview` as its own process, on a free port with a fresh settings folder. */
export async function startPreviewProcess(): Promise<PreviewProcess> {
  const home = await mkdtemp(join(tmpdir(), 'invite-desk-preview-home-'));
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/preview.ts'], {
    cwd: root,
    env: { ...process.env, INVITE_DESK_PORT: String(port), INVITE_DESK_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let errors = '';
  child.stderr.on('data', (data: Buffer) => (errors += data.toString()));
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  let token = '';
  const printed: string[] = [];
  for await (const line of lines) {
    printed.push(line);
    const found = /^http:\/\/127\.0\.0\.1:\d+\/\?token=(.+)$/.exec(line);
    if (found?.[1]) {
      token = found[1];
      break;
    }
  }
  if (!token) throw new Error(`the preview printed no address: ${errors}`);
  return {
    child,
    port,
    token,
    home,
    printed,
    stderr: () => errors,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((done) => child.once('exit', done));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(home, { recursive: true, force: true });
    },
  };
}
