import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ServerProfile } from '../common/api';
import { createAdminService } from '../electron/core/admin-service';
import { MemoryCredentialStore } from '../electron/core/settings/credential-store';
import { openNodeSettings } from '../electron/core/settings/settings-store';
import { ServerRecords } from '../electron/core/settings/server-records';
import { runPreview } from '../electron/preview/run';
import { keepProcessAlive } from '../electron/core/last-resort';
import { isProsodyInstalled, startProsody, STOCK_MODULES, PROJECT_PLUGIN_PATH, type ProsodyServer } from '../test/helpers/prosody';
import { signIn } from '../test/helpers/invite-desk-protocol';
import { createClubRooms } from '../test/helpers/rooms';
import { electronLaunchProblem } from './lib/electron';
import { previewPort } from './lib/home';
import { PROSODY_INSTALL_HINT } from './lib/prosody-hint';

/**
 * `npm run demo`: a throwaway Prosody with a demo admin, and the app already
 * pointed at it. Electron where it can start; the browser preview elsewhere.
 * The demo keeps its settings in a temporary folder unless INVITE_DESK_HOME is set.
 * `npm run demo -- --servers 2` starts two servers, to show several at once.
 */

/** Each server is a Prosody process of its own: enough to show several, few enough for a laptop. */
const MAX_SERVERS = 5;
keepProcessAlive();
if (!(await isProsodyInstalled())) {
  console.error(PROSODY_INSTALL_HINT);
  process.exit(1);
}

const { values } = parseArgs({ options: { servers: { type: 'string', default: '1' } } });
const count = Number(values.servers);
if (!Number.isInteger(count) || count < 1 || count > MAX_SERVERS) {
  console.error(`--servers takes a number from 1 to ${MAX_SERVERS}.`);
  process.exit(2);
}

const admin = { username: 'admin', password: 'demo-password' };
const servers: ProsodyServer[] = [];
for (let n = 1; n <= count; n++) {
  servers.push(
    await startProsody({
      domain: n === 1 ? 'demo.invite-desk.test' : `demo${n}.invite-desk.test`,
      admins: [admin],
      users: [
        { username: 'alice', password: 'alice-password' },
        { username: 'bob', password: 'bob-password' },
      ],
      modules: [...STOCK_MODULES, 'invite_desk'],
      pluginPaths: [PROJECT_PLUGIN_PATH],
      rooms: true,
    }),
  );
}
// Rooms for new members to join: General, and the members-only Chess.
for (const server of servers) {
  const owner = await signIn(server, admin, 'demo-rooms');
  await createClubRooms(owner, server.conference ?? '');
  await owner.stop();
}
const ownHome = process.env.INVITE_DESK_HOME === undefined;
const home = process.env.INVITE_DESK_HOME ?? (await mkdtemp(join(tmpdir(), 'invite-desk-demo-')));
// The demo made these certificates itself, so it can vouch for them.
const profiles: ServerProfile[] = servers.map((server, index) => ({
  id: index === 0 ? 'demo' : `demo-${index + 1}`,
  jid: `${admin.username}@${server.domain}`,
  address: `127.0.0.1:${server.c2sPort}`,
  trustedFingerprint: server.certificateFingerprint(),
}));

const cleanups: (() => Promise<void>)[] = [
  ...servers.map((server) => () => server.stop()),
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

servers.forEach((server, index) => {
  // The sign-up script mints its invite with the prosodyctl of the version the demo runs.
  const env = server.version === '13' ? 'INVITE_DESK_PROSODY=13 ' : '';
  console.log(`Demo server ${index + 1}: ${server.domain}, Prosody ${server.version}, on 127.0.0.1:${server.c2sPort}`);
  console.log(`  Admin:               admin@${server.domain}  password: ${admin.password}`);
  console.log(`  Prosody config:      ${server.configPath}`);
  console.log(`  Certificate SHA-256: ${server.certificateFingerprint()}`);
  console.log('  Sign up a member with an invite (add an invite link from the app to use that one):');
  console.log(`    ${env}npm run sign-up -- ${server.configPath}`);
});

const problem = electronLaunchProblem();
if (problem === null) {
  const records = new ServerRecords(openNodeSettings(home).store);
  for (const profile of profiles) records.saveProfile(profile);
  console.log(`Starting the Invite Desk app. Sign in to the demo ${count === 1 ? 'server' : 'servers'} with the password above.`);
  const app = spawn('npx', ['--no-install', 'electron-vite', 'preview'], { stdio: 'inherit', env: { ...process.env, INVITE_DESK_HOME: home } });
  app.on('exit', stop);
} else {
  console.log(`Electron cannot start here: ${problem}. Opening the browser preview instead.`);
  const service = createAdminService(home, new MemoryCredentialStore());
  for (const profile of profiles) await service.connect({ profile, password: admin.password });
  const preview = await runPreview({ home, port: previewPort(), service });
  cleanups.push(() => preview.stop());
  console.log(`Open this address in a browser on this machine; the app is already connected to the demo ${count === 1 ? 'server' : 'servers'}:`);
  console.log(preview.server.url);
  console.log('Press Ctrl+C to stop the demo.');
}
