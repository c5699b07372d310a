import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { tokenOf } from '../electron/core/features/invites';
import { cliInviteArgs, prosodyFlavour } from '../test/helpers/prosody';
import { registerAccount } from '../test/helpers/raw-register';

/**
 * `npm run sign-up -- CONFIG [INVITE]`: signs a test member up on a server of
 * `npm run demo` or `npm run sandbox`, the way a new member's XMPP app does
 * (STARTTLS, the invite's token, in-band registration), so the sign-up shows
 * in Invite Desk as it happens. CONFIG is the prosody.cfg.lua those scripts
 * print; INVITE is an invite link copied from the app, or else one is made
 * with prosodyctl.
 */
const [configPath, invite] = process.argv.slice(2);
if (!configPath) {
  console.error('Usage: npm run sign-up -- PROSODY_CONFIG [INVITE_LINK]');
  process.exit(2);
}

const config = await readFile(configPath, 'utf8');
// The demo and the sandbox write these lines themselves (test/helpers/prosody.ts).
const domain = /^VirtualHost "([^"]+)"/m.exec(config)?.[1];
const port = Number(/^c2s_ports = \{ (\d+) \}/m.exec(config)?.[1]);
if (!domain || !port) {
  console.error(`${configPath} is not the config of a demo or sandbox server: it names no VirtualHost or c2s port.`);
  process.exit(2);
}

async function mintInvite(): Promise<string> {
  const flavour = prosodyFlavour();
  const { stdout } = await promisify(execFile)(flavour.prosodyctl, ['--config', configPath ?? '', ...cliInviteArgs(flavour.version, domain ?? '')], { timeout: 30_000 });
  return stdout;
}

const token = tokenOf(invite ?? (await mintInvite()));
if (!token) {
  console.error(`No invite token in ${invite === undefined ? "prosodyctl's answer" : `"${invite}"`}: give the xmpp: link of an account invite.`);
  process.exit(1);
}

const username = `member-${randomBytes(3).toString('hex')}`;
const password = randomBytes(9).toString('base64url');
const outcome = await registerAccount({ port, domain, username, password, token });
if (outcome.ok) {
  console.log(`Signed up ${username}@${domain} with password ${password}.`);
} else {
  console.error(`The server refused the ${outcome.stage === 'preauth' ? 'invite' : 'sign-up'}: ${outcome.condition}${outcome.text ? ` (${outcome.text})` : ''}.`);
  process.exit(1);
}
