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
  const commands = await listCommands(iq, domain, timeoutMs).catch((error: unknown) => {
    throw describeRequestError(error, 'listing the ad-hoc commands');
  });
  const bare = account.split('/')[0] ?? account;
  const [admin, modules, software] = await Promise.all([
    adminVerdict(iq, domain, commands, timeoutMs),
    commands.some((c) => c.node === NODES.listModules) ? listModules(iq, domain, timeoutMs) : Promise.resolve(null),
    softwareVersion(iq, domain, timeoutMs).catch(() => undefined),
  ]);
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
  const info: ServerInfo = {
    serverId,
    account,
    domain,
    commands,
    modules: modules === null ? null : [...new Set(modules)].sort(),
    capabilities: describeCapabilities(commands, modules),
  };
  if (software) info.software = software;
  const roles = await inviteRoles(iq, domain, commands, software, timeoutMs);
  if (roles) info.inviteRoles = roles;
  return info;
}

/**
 * True for an admin. Where the module runs, its answer decides, as it checks
 * its own permission; `module` when it refuses, `stock` when stock Prosody's
 * commands do not make the account an admin.
 */
async function adminVerdict(iq: IqCaller, domain: string, commands: readonly AdHocCommand[], timeoutMs: number): Promise<true | 'module' | 'stock'> {
  const byModule = await moduleGrantsAdmin(iq, domain, timeoutMs);
  if (byModule !== undefined) return byModule ? true : 'module';
  return isAdminCommandSet(commands) ? true : 'stock';
}

async function listModules(iq: IqCaller, domain: string, timeoutMs: number): Promise<string[]> {
  return lines((await runCommand(iq, domain, NODES.listModules, timeoutMs)).form ?? [], 'modules')
    .map((m) => m.trim())
    .filter((m) => m !== '');
}
