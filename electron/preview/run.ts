import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createAdminService, type AdminService } from '../core/admin-service';
import { MemoryCredentialStore } from '../core/settings/credential-store';
import { startPreviewServer, type PreviewServer } from './server';

export const RENDERER_DIR = resolve(import.meta.dirname, '../../out/renderer');

export interface RunningPreview {
  server: PreviewServer;
  service: AdminService;
  stop(): Promise<void>;
}

/** Starts the preview host with its own AdminService over the settings in `home`. */
export async function runPreview(options: { home: string; port: number; service?: AdminService }): Promise<RunningPreview> {
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
    throw new Error('The app is not built yet. Run "npm run build" first.');
  }
  // The preview keeps secrets in memory only: nothing but profiles reaches the disk.
  const service = options.service ?? createAdminService(options.home, new MemoryCredentialStore('The browser preview keeps sign-ins only until it stops.'));
  const server = await startPreviewServer({ port: options.port, rendererDir: RENDERER_DIR, api: service });
  void service.start();
  return {
    server,
    service,
    async stop() {
      await server.close();
      await service.shutdown();
    },
  };
}

/** Stops cleanly on SIGINT and SIGTERM, once. */
export function stopOnSignals(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    console.log(`\nReceived ${signal}, stopping…`);
    stop()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        console.error(error);
        process.exit(1);
      });
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
