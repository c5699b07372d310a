import type { IqCaller } from '@xmpp/iq/caller.js';
import { AdminError } from '../../../common/errors';
import { adminSetupGuide, guideText } from '../../../common/setup-guide';
import { softwareVersion } from '../xmpp/disco';
import type { NotAdminDetail } from './probe';

/**
 * Rewords stock Prosody's `not-admin` refusal with the steps for the server's
 * own Prosody version: the admins list on 0.12, a role through the admin
 * shell on 13. Prosody answers a version query from any account, so the
 * server can tell. The steps also travel as the error's detail, for a UI to
 * show them. A refusal by mod_invite_desk's own permission keeps its words,
 * which name that permission.
 */
export async function explainNotAdmin(error: unknown, iq: IqCaller, account: string, domain: string, timeoutMs: number): Promise<never> {
  if (!(error instanceof AdminError) || error.code !== 'not-admin' || (error.detail as NotAdminDetail | undefined)?.refusedBy !== 'stock') throw error;
  const bare = account.split('/')[0] ?? account;
  const software = await softwareVersion(iq, domain, timeoutMs).catch(() => undefined);
  const guide = adminSetupGuide(bare, software);
  throw new AdminError(
    'not-admin',
    `${bare} is not an administrator of ${domain}, so Invite Desk cannot manage it. ${guideText(guide)} Then connect again, or sign in with an admin account.`,
    guide,
  );
}
