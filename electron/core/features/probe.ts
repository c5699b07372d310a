import type { ServerInfo } from '../../../common/api';
import { AdminError } from '../../../common/errors';
import { describeCapabilities, isAdminCommandSet, NODES } from '../capabilities';
import { describeRequestError } from '../error-messages';
import { runCommand } from '../xmpp/adhoc';
import { lines } from '../xmpp/dataform';
import { listCommands, softwareVersion } from '../xmpp/disco';
import type { IqCaller } from '@xmpp/iq/caller.js';

/**
 * Asks the server what it offers this account: its ad-hoc commands (disco),
 * its modules (`modules#list`, when offered) and its software version.
 * Refuses an account that is not an admin of the host.
 */
export async function probeServer(iq: IqCaller, serverId: string, account: string, domain: string, timeoutMs: number): Promise<ServerInfo> {
  const commands = await listCommands(iq, domain, timeoutMs).catch((error: unknown) => {
    throw describeRequestError(error, 'listing the ad-hoc commands');
  });
  const bare = account.split('/')[0] ?? account;
  if (!isAdminCommandSet(commands)) {
    throw new AdminError(
      'not-admin',
      `${bare} is not an administrator of ${domain}, so Invite Desk cannot manage it. ` +
        `Add it to admins in the Prosody config (admins = { "${bare}" }) and restart Prosody, or sign in with an admin account.`,
    );
  }
  const modules = commands.some((c) => c.node === NODES.listModules)
    ? lines((await runCommand(iq, domain, NODES.listModules, timeoutMs)).form ?? [], 'modules')
        .map((m) => m.trim())
        .filter((m) => m !== '')
    : null;
  const software = await softwareVersion(iq, domain, timeoutMs).catch(() => undefined);
  const info: ServerInfo = {
    serverId,
    account,
    domain,
    commands,
    modules: modules === null ? null : [...new Set(modules)].sort(),
    capabilities: describeCapabilities(commands, modules),
  };
  if (software) info.software = software;
  return info;
}
