import { isProsodyInstalled, startProsody, STOCK_MODULES, PROJECT_PLUGIN_PATH } from '../test/helpers/prosody';
import { PROSODY_INSTALL_HINT } from './lib/prosody-hint';

/**
 * `npm run sandbox`: a throwaway Prosody on 127.0.0.1 for trying Invite Desk
 * by hand. Everything it creates is deleted when it stops.
 */
if (!(await isProsodyInstalled())) {
  console.error(PROSODY_INSTALL_HINT);
  process.exit(1);
}

const domain = process.env.SANDBOX_DOMAIN ?? 'sandbox.invite-desk.test';
const server = await startProsody({
  domain,
  admins: [{ username: 'admin', password: 'admin-password' }],
  users: [{ username: 'member', password: 'member-password' }],
  modules: [...STOCK_MODULES, 'invite_desk'],
  pluginPaths: [PROJECT_PLUGIN_PATH],
});

console.log(`A throwaway Prosody is running for ${domain}.`);
console.log(`  Admin account:   admin@${domain}   password: admin-password`);
console.log(`  Member account:  member@${domain}  password: member-password`);
console.log(`  Server address:  127.0.0.1:${server.c2sPort} (STARTTLS), 127.0.0.1:${server.directTlsPort} (direct TLS)`);
console.log(`  Certificate SHA-256: ${server.certificateFingerprint()}`);
console.log(`  Config and data: ${server.dir}`);
console.log(`  New invite:      prosodyctl --config ${server.configPath} mod_invites generate ${domain}`);
console.log('Press Ctrl+C to stop and delete it.');

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  void server.stop().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
