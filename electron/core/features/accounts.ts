import xml, { type Element } from '@xmpp/xml';
import type { AccountState, AccountStatus } from '../../../common/api';
import { AdminError } from '../../../common/errors';
import { describeRequestError } from '../error-messages';
import type { ServerRecord } from '../settings/settings-document';
import type { SessionContext } from './context';
import { hasModule } from './invite-desk';
import type { UserAction } from './user-actions';

/** mod_invite_desk's answer to what became of accounts (prosody/mod_invite_desk/README.md). */
export const NS_ACCOUNTS = 'urn:x-invite-desk:accounts:0';

const SERVER_STATES: readonly string[] = ['active', 'disabled', 'deleted'];

/** How many accounts Invite Desk remembers acting on per server, where the server cannot say; the oldest go first. */
export const RECORDED_ACCOUNTS = 1000;

/**
 * The server's word on each account (mod_invite_desk), or undefined where it
 * cannot say: no module, or one too old to know the question.
 */
export async function serverAccountStates(ctx: SessionContext, jids: readonly string[]): Promise<Map<string, AccountState> | undefined> {
  if (!hasModule(ctx.commands)) return undefined;
  let reply: Element;
  try {
    reply = await ctx.iq.request(xml('iq', { type: 'get', to: ctx.domain }, xml('accounts', { xmlns: NS_ACCOUNTS }, ...jids.map((jid) => xml('account', { jid })))), ctx.timeoutMs);
  } catch (error) {
    const condition = (error as { condition?: unknown }).condition;
    if (condition === 'service-unavailable' || condition === 'feature-not-implemented') return undefined;
    throw describeRequestError(error, 'asking the server what became of accounts');
  }
  const asked = new Set(jids);
  const states = new Map<string, AccountState>();
  for (const answer of reply.getChild('accounts', NS_ACCOUNTS)?.getChildren('account') ?? []) {
    const { jid, state } = answer.attrs;
    if (jid !== undefined && asked.has(jid) && state !== undefined && SERVER_STATES.includes(state)) states.set(jid, state as AccountState);
  }
  return states;
}

/** Each account's state: the server's word where it has one, else what Invite Desk last did to it, else unknown. */
export function accountStatuses(jids: readonly string[], fromServer: Map<string, AccountState> | undefined, record: ServerRecord | undefined): AccountStatus[] {
  if (fromServer) return jids.map((jid) => ({ jid, state: fromServer.get(jid) ?? 'unknown', source: 'server' }));
  const recorded = new Map((record?.accounts ?? []).map((account) => [account.jid, account.state]));
  return jids.map((jid) => ({ jid, state: recorded.get(jid) ?? 'unknown', source: 'record' }));
}

/**
 * Refuses an action that would change nothing, as the server tells: Prosody's
 * own commands report success for disabling a disabled account again.
 */
export function refuseRepeat(action: UserAction, jid: string, current: AccountState | undefined): void {
  if (action === 'disable' && current === 'disabled') throw new AdminError('invalid-input', `${jid} is already disabled. Nothing changed.`);
  if (action === 'enable' && current === 'active') throw new AdminError('invalid-input', `${jid} is already enabled. Nothing changed.`);
}

/** Keeps what an action did to an account in the server's record, newest last, for servers that cannot say themselves. */
export function recordAction(record: ServerRecord, jid: string, action: UserAction, at: Date): void {
  if (action === 'endSessions') return;
  const others = (record.accounts ?? []).filter((account) => account.jid !== jid);
  // Enabled again: nothing to remember, as an active account is what the app assumes.
  const next = action === 'enable' ? others : [...others, { jid, state: action === 'delete' ? ('deleted' as const) : ('disabled' as const), at: at.toISOString() }];
  record.accounts = next.slice(-RECORDED_ACCOUNTS);
}
