import { AdminError } from '../../../common/errors';
import { runCommand, type CommandNote } from '../xmpp/adhoc';
import type { SessionContext } from './context';

/** XEP-0133 service administration, for dealing with a spam sign-up. */

const ADMIN_FORM = 'http://jabber.org/protocol/admin';

/** Disabling is Prosody 13's: 0.12 has no such command, and no way to undo a deletion. */
const NEEDS_13 =
  'upgrade to Prosody 13 and load "admin_adhoc". On Prosody 0.12, end its sessions and change its password (prosodyctl passwd), or delete the account';

export const USER_ACTIONS = {
  delete: { node: `${ADMIN_FORM}#delete-user`, what: 'deleting the account', done: 'deleted', enable: 'load "admin_adhoc" in modules_enabled' },
  endSessions: { node: `${ADMIN_FORM}#end-user-session`, what: 'ending its sessions', done: 'disconnected', enable: 'load "admin_adhoc" in modules_enabled' },
  disable: { node: `${ADMIN_FORM}#disable-user`, what: 'disabling accounts', done: 'disabled', enable: NEEDS_13 },
  enable: { node: `${ADMIN_FORM}#reenable-user`, what: 're-enabling accounts', done: 'enabled', enable: NEEDS_13 },
} as const;

export type UserAction = keyof typeof USER_ACTIONS;

/**
 * Prosody answers every one of these commands with an `info` note, also when
 * it did nothing: `The following accounts could not be deleted:` and the JIDs.
 * Returns the JIDs listed after that line.
 */
export function refusedAccounts(notes: readonly CommandNote[]): string[] {
  return notes.flatMap((note) => {
    const [, after] = /could not be \w+:\s*\n([\s\S]*)$/.exec(note.text) ?? [];
    return after === undefined ? [] : after.split('\n').map((line) => line.trim().toLowerCase()).filter((line) => line !== '');
  });
}

function refusal(action: UserAction, jid: string, ctx: SessionContext): AdminError {
  const why =
    action === 'disable' || action === 'enable'
      ? `there is no account ${jid} on ${ctx.domain}, or its authentication backend cannot ${action} accounts. ` +
        `On the server, \`prosodyctl shell user ${action} ${jid}\` says which`
      : `there is no account ${jid} on ${ctx.domain}. Check the spelling; the account may already be gone`;
  return new AdminError('invalid-input', `Nothing was ${USER_ACTIONS[action].done}: ${why}.`);
}

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
  const stage = await runCommand(ctx.iq, ctx.domain, node, ctx.timeoutMs, { accountjids: [jid] }, { formType: ADMIN_FORM, submitFirst: true, what });
  if (refusedAccounts(stage.notes).includes(jid.toLowerCase())) throw refusal(action, jid, ctx);
}
