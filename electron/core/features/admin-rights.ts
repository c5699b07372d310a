import type { IqCaller } from '@xmpp/iq/caller.js';
import { AdminError } from '../../../common/errors';
import { adminSetupGuide, type SetupGuide } from '../../../common/setup-guide';
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
    `${bare} is not an administrator of ${domain}, so Invite Desk cannot manage it. ${adminStepsText(guide, bare)} Then connect again, or sign in with an admin account.`,
    guide,
  );
}

/**
 * The admin guide as one English paragraph, for the error's message (the
 * backend's messages are English; the UI words the steps, in the detail, from
 * its catalogs).
 */
function adminStepsText(guide: SetupGuide, account: string): string {
  const version = guide.target.values?.version;
  const target = version ? `Prosody ${version}` : 'Prosody 0.12 or later (the server did not say its version)';
  const steps = guide.steps.map((s) => s.code.replaceAll('\n', ' ; ')).join(', then ');
  return guide.series === '13'
    ? `On ${target}, give ${account} the admin role through the admin shell; it applies from the next sign-in, with no restart: ${steps}. The admins list in prosody.cfg.lua (admins = { "${account}" }) works too, after a restart.`
    : `On ${target}, add ${account} to the admins list you already have in the Prosody config, and restart Prosody, which reads the list at start-up: ${steps}.`;
}
