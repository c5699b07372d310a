import type { Element } from '@xmpp/xml';
import type { JoinDecision, JoinDecisionRequest, JoinRequest, JoinRequestList, JoinRequestsChange } from '../../../common/api';
import { AdminError } from '../../../common/errors';
import { runCommand } from '../xmpp/adhoc';
import { field, textValue, type DataForm, type FormField } from '../xmpp/dataform';
import type { SessionContext } from './context';
import { MODULE_SETUP, NS } from './invite-desk';

/** mod_invite_desk's requests to join (prosody/mod_invite_desk/README.md, "Ask to join"). */
export const REQUEST_NODES = {
  list: `${NS.requests}#list`,
  approve: `${NS.requests}#approve`,
  reject: `${NS.requests}#reject`,
} as const;

/** The most requests one listing brings: a burst of spam is rejected with "all", not scrolled through. */
export const MAX_LISTED = 1000;

const WHY: readonly string[] = ['no-invite', 'invite', 'inviter'];

export function hasJoinRequests(commands: ReadonlySet<string>): boolean {
  return commands.has(REQUEST_NODES.list);
}

function requireRequests(ctx: SessionContext): void {
  if (!hasJoinRequests(ctx.commands)) {
    throw new AdminError('feature-missing', `Requests to join need a newer Invite Desk module on ${ctx.domain}. To get it, ${MODULE_SETUP}.`);
  }
}

const iso = (value: string | undefined): string | undefined => {
  const time = Date.parse(value ?? '');
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
};

/** One request, checked value by value: anything that is not one of this server's accounts, or has no time, is dropped. */
function readRequest(value: (name: string) => string | undefined, serverId: string, domain: string): JoinRequest | null {
  const jid = value('jid') ?? '';
  const at = jid.lastIndexOf('@');
  const username = jid.slice(0, at);
  const time = iso(value('time'));
  if (at < 1 || jid.slice(at + 1) !== domain || username.length > 1023 || /[\s/@]/.test(username) || !time) return null;
  const why = value('why') ?? 'no-invite';
  const request: JoinRequest = { serverId, username, jid, time, why: (WHY.includes(why) ? why : 'no-invite') as JoinRequest['why'] };
  const ip = value('ip');
  if (ip && /^[0-9A-Fa-f:.]{2,45}$/.test(ip)) request.ip = ip;
  const reason = value('reason');
  if (reason) request.reason = reason.slice(0, 1000);
  const invite = value('invite');
  if (invite && /^[0-9a-f]{16}$/.test(invite)) request.invite = invite;
  const inviter = value('inviter');
  if (inviter && inviter.length <= 3071) request.inviter = inviter;
  return request;
}

export async function listJoinRequests(ctx: SessionContext): Promise<JoinRequestList> {
  requireRequests(ctx);
  const stage = await runCommand(ctx.iq, ctx.domain, REQUEST_NODES.list, ctx.timeoutMs, { limit: String(MAX_LISTED) }, { formType: NS.requests, submitFirst: true });
  const form: DataForm | undefined = stage.form;
  const requests = (form?.items ?? []).flatMap((row: FormField[]) => {
    const request = readRequest((name) => textValue(row, name), ctx.serverId, ctx.domain);
    return request ? [request] : [];
  });
  const total = Number(form ? textValue(form, 'total') : undefined);
  const days = Number(form ? textValue(form, 'days') : undefined);
  const list: JoinRequestList = { requests, total: Number.isInteger(total) && total >= requests.length ? total : requests.length };
  if (Number.isFinite(days) && days > 0) list.expireDays = days;
  return list;
}

/** Approves or rejects requests in one command; the accounts named that did not wait come back in `notWaiting`. */
export async function decideJoinRequests(ctx: SessionContext, verdict: 'approve' | 'reject', request: JoinDecisionRequest): Promise<JoinDecision> {
  requireRequests(ctx);
  const values: Record<string, string | boolean> = request.all ? { all: true } : { accounts: (request.jids ?? []).join('\n') };
  if (verdict === 'reject' && request.keepDisabled) values['keep-disabled'] = true;
  const node = verdict === 'approve' ? REQUEST_NODES.approve : REQUEST_NODES.reject;
  const stage = await runCommand(ctx.iq, ctx.domain, node, ctx.timeoutMs, values, { formType: NS.requests, submitFirst: true });
  const jids = (name: string): string[] => (stage.form ? (field(stage.form, name)?.values ?? []) : []).filter((jid) => jid.length <= 3071 && jid.includes('@'));
  return { decided: jids(verdict === 'approve' ? 'approved' : 'rejected'), notWaiting: jids('not-held'), failed: jids('failed') };
}

/** A headline of the module about requests to join (a new one, or a decision) sent to this session; anything else is null. */
export function readRequestsMessage(stanza: Element, serverId: string, domain: string): Pick<JoinRequestsChange, 'added' | 'removed'> | null {
  if (!stanza.is('message') || (stanza.attrs.from ?? '').toLowerCase() !== domain) return null;
  const pushed = stanza.getChild('request', NS.requests);
  if (pushed) {
    const request = readRequest((name) => (name === 'reason' ? pushed.getChildText('reason') : pushed.attrs[name]) ?? undefined, serverId, domain);
    return request ? { added: [request] } : null;
  }
  const decided = stanza.getChild('decided', NS.requests);
  if (!decided) return null;
  const removed = decided
    .getChildren('account')
    .slice(0, 10_000)
    .map((account) => account.attrs.jid ?? '')
    .filter((jid) => jid.endsWith(`@${domain}`));
  return { removed };
}
