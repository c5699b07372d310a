import { cliInviteArgs, isProsodyInstalled, prosodyFlavour, startProsody, STOCK_MODULES, PROJECT_PLUGIN_PATH } from '../test/helpers/prosody';
import { PROSODY_INSTALL_HINT } from './lib/prosody-hint';

/**
 * `npm run sandbox`: a throwaway Prosody on 127.0.0.1 for trying Invite Desk
 * by hand. Everything it creates is deleted when it stops.
 * INVITE_DESK_PROSODY=13 runs Prosody 13 (scripts/install-prosody-13.sh) instead of Debian's 0.12.
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

console.log(`A throwaway Prosody ${server.version} is running for ${domain}.`);
console.log(`  Admin account:   admin@${domain}   password: admin-password`);
console.log(`  Member account:  member@${domain}  password: member-password`);
console.log(`  Server address:  127.0.0.1:${server.c2sPort} (STARTTLS), 127.0.0.1:${server.directTlsPort} (direct TLS)`);
console.log(`  Certificate SHA-256: ${server.certificateFingerprint()}`);
console.log(`  Config and data: ${server.dir}`);
console.log(`  New invite:      ${[prosodyFlavour(server.version).prosodyctl, '--config', server.configPath, ...cliInviteArgs(server.version, domain)].join(' ')}`);
console.log('Press Ctrl+C to stop and delete it.');

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  void server.stop().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
