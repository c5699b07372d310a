import { AdminError } from '../../../common/errors';
import { runCommand } from '../xmpp/adhoc';
import type { SessionContext } from './context';

/** XEP-0133 service administration, for dealing with a spam sign-up. */

const ADMIN_FORM = 'http://jabber.org/protocol/admin';

export const USER_ACTIONS = {
  delete: { node: `${ADMIN_FORM}#delete-user`, what: 'deleting the account', enable: 'load "admin_adhoc" in modules_enabled' },
  endSessions: { node: `${ADMIN_FORM}#end-user-session`, what: 'ending its sessions', enable: 'load "admin_adhoc" in modules_enabled' },
  disable: { node: `${ADMIN_FORM}#disable-user`, what: 'disabling accounts', enable: 'upgrade to Prosody 13 and load "admin_adhoc"' },
  enable: { node: `${ADMIN_FORM}#reenable-user`, what: 're-enabling accounts', enable: 'upgrade to Prosody 13 and load "admin_adhoc"' },
} as const;

export type UserAction = keyof typeof USER_ACTIONS;

export async function runUserAction(ctx: SessionContext, action: UserAction, jid: string): Promise<void> {
  const { node, what, enable } = USER_ACTIONS[action];
  if (!ctx.commands.has(node)) {
    throw new AdminError('feature-missing', `This server does not offer ${what} to you. To enable it, ${enable}.`);
  }
  if ((jid.split('@')[1] ?? '').toLowerCase() !== ctx.domain) {
    throw new AdminError('invalid-input', `${jid} is not an account of ${ctx.domain}.`);
  }
  if (jid.toLowerCase() === ctx.account.toLowerCase()) {
    throw new AdminError('invalid-input', `${jid} is the account Invite Desk is signed in with; use another admin account for that.`);
  }
  await runCommand(ctx.iq, ctx.domain, node, ctx.timeoutMs, { accountjids: [jid] }, { formType: ADMIN_FORM, submitFirst: true });
}
