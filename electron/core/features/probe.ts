import type { AdHocCommand, ServerInfo } from '../../../common/api';
import { AdminError } from '../../../common/errors';
import { describeCapabilities, isAdminCommandSet, NODES } from '../capabilities';
import { describeRequestError } from '../error-messages';
import { runCommand } from '../xmpp/adhoc';
import { lines } from '../xmpp/dataform';
import { listCommands, softwareVersion } from '../xmpp/disco';
import type { IqCaller } from '@xmpp/iq/caller.js';
import { inviteRoles, moduleGrantsAdmin } from './invite-desk';

/** Who refused the account: mod_invite_desk by its own permission, or stock Prosody's admin commands. */
export interface NotAdminDetail {
  refusedBy: 'module' | 'stock';
}

/**
 * Asks the server what it offers this account: its ad-hoc commands (disco),
 * its modules (`modules#list`, when offered), its software version and the
 * roles new invites may give. Refuses an account that is not an admin of the
 * host: where mod_invite_desk runs, by its own permission check; elsewhere by
 * the commands Prosody lists to the account.
 */
export async function probeServer(iq: IqCaller, serverId: string, account: string, domain: string, timeoutMs: number): Promise<ServerInfo> {
  // One wave of requests, not one after another: over the internet each wave costs a round trip.
  // The module list is asked for before knowing the command is listed; a server without it just says no.
  const listing = listCommands(iq, domain, timeoutMs).catch((error: unknown) => {
    throw describeRequestError(error, 'listing the ad-hoc commands');
  });
  const [commands, admin, modules, version] = await Promise.all([
    listing,
    Promise.all([listing, moduleGrantsAdmin(iq, domain, timeoutMs)]).then(([listed, byModule]) => adminVerdict(listed, byModule)),
    listModules(iq, domain, timeoutMs).catch(() => null),
    softwareVersion(iq, domain, timeoutMs).catch(() => undefined),
  ]);
  const bare = account.split('/')[0] ?? account;
  if (admin !== true) {
    throw new AdminError(
      'not-admin',
      `${bare} is not an administrator of ${domain}, so Invite Desk cannot manage it${admin === 'module' ? ': the Invite Desk module refused it' : ''}. ` +
        (admin === 'module'
          ? `Give it the permission invite_desk:administer (on Prosody 13, for example add_permissions = { ["ROLE"] = { "invite_desk:administer" } } for its role), or make it an admin (admins = { "${bare}" }), then restart Prosody.`
          : `Add it to admins in the Prosody config (admins = { "${bare}" }) and restart Prosody, or sign in with an admin account.`),
      { refusedBy: admin } satisfies NotAdminDetail,
    );
  }
  // Only what the server lists to this account counts, whatever the speculative request answered.
  const listed = commands.some((c) => c.node === NODES.listModules) ? modules : null;
  const info: ServerInfo = {
    serverId,
    account,
    domain,
    commands,
    modules: listed === null ? null : [...new Set(listed)].sort(),
    capabilities: describeCapabilities(commands, listed),
  };
  if (version) info.software = version;
  const roles = await inviteRoles(iq, domain, commands, version, timeoutMs);
  if (roles) info.inviteRoles = roles;
  return info;
}

/**
 * True for an admin. Where the module runs, its answer decides, as it checks
 * its own permission; `module` when it refuses, `stock` when stock Prosody's
 * commands do not make the account an admin.
 */
function adminVerdict(commands: readonly AdHocCommand[], byModule: boolean | undefined): true | 'module' | 'stock' {
  if (byModule !== undefined) return byModule ? true : 'module';
  return isAdminCommandSet(commands) ? true : 'stock';
}

async function listModules(iq: IqCaller, domain: string, timeoutMs: number): Promise<string[]> {
  return lines((await runCommand(iq, domain, NODES.listModules, timeoutMs, undefined, { what: 'listing its modules' })).form ?? [], 'modules')
    .map((m) => m.trim())
    .filter((m) => m !== '');
}
