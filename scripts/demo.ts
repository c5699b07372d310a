import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerProfile } from '../common/api';
import { createAdminService } from '../electron/core/admin-service';
import { MemoryCredentialStore } from '../electron/core/settings/credential-store';
import { openNodeSettings } from '../electron/core/settings/settings-store';
import { runPreview } from '../electron/preview/run';
import { keepProcessAlive } from '../electron/core/last-resort';
import { isProsodyInstalled, startProsody, STOCK_MODULES, PROJECT_PLUGIN_PATH } from '../test/helpers/prosody';
import { electronLaunchProblem } from './lib/electron';
import { previewPort } from './lib/home';
import { PROSODY_INSTALL_HINT } from './lib/prosody-hint';

/**
 * `npm run demo`: a throwaway Prosody with a demo admin, and the app already
 * pointed at it. Electron where it can start; the browser preview elsewhere.
 * The demo keeps its settings in a temporary folder unless INVITE_DESK_HOME is set.
 */
keepProcessAlive();
if (!(await isProsodyInstalled())) {
  console.error(PROSODY_INSTALL_HINT);
  process.exit(1);
}

const domain = 'demo.invite-desk.test';
const admin = { username: 'admin', password: 'demo-password' };
const server = await startProsody({
  domain,
  admins: [admin],
  users: [
    { username: 'alice', password: 'alice-password' },
    { username: 'bob', password: 'bob-password' },
  ],
  modules: [...STOCK_MODULES, 'invite_desk'],
  pluginPaths: [PROJECT_PLUGIN_PATH],
});
const ownHome = process.env.INVITE_DESK_HOME === undefined;
const home = process.env.INVITE_DESK_HOME ?? (await mkdtemp(join(tmpdir(), 'invite-desk-demo-')));
// The demo made this certificate itself, so it can vouch for it.
const profile: ServerProfile = {
  id: 'demo',
  jid: `${admin.username}@${domain}`,
  address: `127.0.0.1:${server.c2sPort}`,
  trustedFingerprint: server.certificateFingerprint(),
};

const cleanups: (() => Promise<void>)[] = [
  () => server.stop(),
  async () => {
    if (ownHome) await rm(home, { recursive: true, force: true });
  },
];
let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping the demo…');
  void (async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => console.error(error));
    process.exit(0);
  })();
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

console.log(`Demo server: ${domain} on 127.0.0.1:${server.c2sPort}`);
console.log(`Demo admin:  ${profile.jid}  password: ${admin.password}`);

const problem = electronLaunchProblem();
if (problem === null) {
  openNodeSettings(home).store.update((settings) => {
    settings.profiles = [...settings.profiles.filter((p) => p.id !== profile.id), profile];
  });
  console.log('Starting the Invite Desk app. Sign in to the demo server with the password above.');
  const app = spawn('npx', ['--no-install', 'electron-vite', 'preview'], { stdio: 'inherit', env: { ...process.env, INVITE_DESK_HOME: home } });
  app.on('exit', stop);
} else {
  console.log(`Electron cannot start here: ${problem}. Opening the browser preview instead.`);
  const service = createAdminService(home, new MemoryCredentialStore());
  await service.connect({ profile, password: admin.password });
  const preview = await runPreview({ home, port: previewPort(), service });
  cleanups.push(() => preview.stop());
  console.log('Open this address in a browser on this machine; the app is already connected to the demo server:');
  console.log(preview.server.url);
  console.log('Press Ctrl+C to stop the demo.');
}
