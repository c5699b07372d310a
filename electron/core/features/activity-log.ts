import type { Element } from '@xmpp/xml';
import type { ActivityPage, ActivityRequest, AdminActivity, InviteKind, RegistrationPolicy } from '../../../common/api';
import { isActivityKind } from '../../../common/activity';
import { AdminError } from '../../../common/errors';
import { runCommand } from '../xmpp/adhoc';
import { lines, textValue, type FormField } from '../xmpp/dataform';
import type { SessionContext } from './context';
import { requireModule } from './invite-desk';

/** mod_invite_desk's activity log (prosody/mod_invite_desk/README.md). */
export const NS_ACTIVITY = 'urn:x-invite-desk:activity:0';
const LIST_NODE = `${NS_ACTIVITY}#list`;

const POLICIES: readonly string[] = ['open', 'approval', 'invite-only', 'closed'];
const INVITE_KINDS: readonly string[] = ['account', 'contact', 'reset'];
const INVITE_ID = /^[0-9a-f]{16}$/;
/** The most accounts or invites one entry keeps: a rejection of every request names thousands. */
const MAX_NAMED = 1000;

/** Reads one entry's values by name, whether they came as attributes and children (pushed) or as form fields (listed). */
interface EntryValues {
  one(name: string): string | undefined;
  all(name: string): string[];
}

const count = (text: string | undefined): number | undefined => {
  const n = Number(text);
  return text !== undefined && Number.isInteger(n) && n >= 0 && n <= 1_000_000_000 ? n : undefined;
};

/** An entry, checked value by value: what is not as the protocol says is left out, and an entry without a kind or time is no entry. */
function readEntry(values: EntryValues, serverId: string, domain: string): AdminActivity | null {
  const kind = values.one('kind');
  const time = Date.parse(values.one('time') ?? '');
  if (!isActivityKind(kind) || Number.isNaN(time)) return null;
  const ofHost = (jid: string): boolean => jid.length <= 3071 && jid.toLowerCase().endsWith(`@${domain}`);
  const entry: AdminActivity = {
    serverId,
    kind,
    time: new Date(time).toISOString(),
    accounts: values.all('accounts').filter(ofHost).slice(0, MAX_NAMED),
    invites: values.all('invites').filter((id) => INVITE_ID.test(id)).slice(0, MAX_NAMED),
  };
  const id = values.one('id');
  if (id && id.length <= 200) entry.id = id;
  const by = values.one('by');
  if (by && ofHost(by)) entry.by = by;
  for (const [key, name] of [['count', 'count'], ['dropped', 'dropped']] as const) {
    const n = count(values.one(name));
    if (n !== undefined) entry[key] = n;
  }
  for (const [key, name] of [['policy', 'mode'], ['previous', 'previous']] as const) {
    const policy = values.one(name);
    if (policy && POLICIES.includes(policy)) entry[key] = policy as RegistrationPolicy;
  }
  const inviteKind = values.one('invite-kind');
  if (inviteKind && INVITE_KINDS.includes(inviteKind)) entry.inviteKind = inviteKind as InviteKind;
  const outcome = values.one('outcome');
  if (outcome && /^[a-z-]{1,40}$/.test(outcome)) entry.outcome = outcome;
  return entry;
}

/** A pushed `<activity/>` of the module. */
export function readActivityElement(element: Element, serverId: string, domain: string): AdminActivity | null {
  if (!element.is('activity', NS_ACTIVITY)) return null;
  const children = (name: string, attr: string): string[] =>
    element
      .getChildren(name)
      .slice(0, MAX_NAMED)
      .flatMap((child) => (child.attrs[attr] ? [child.attrs[attr]] : []));
  const account = element.attrs.account;
  return readEntry(
    {
      one: (name) => (typeof element.attrs[name] === 'string' ? element.attrs[name] : undefined),
      all: (name) => (name === 'accounts' ? [...(account ? [account] : []), ...children('account', 'jid')] : children('invite', 'id')),
    },
    serverId,
    domain,
  );
}

function readRow(row: FormField[], serverId: string, domain: string): AdminActivity | null {
  return readEntry({ one: (name) => textValue(row, name), all: (name) => lines(row, name).filter((line) => line !== '') }, serverId, domain);
}

export async function listActivity(ctx: SessionContext, request: ActivityRequest): Promise<ActivityPage> {
  requireModule(ctx, 'The activity log');
  if (!ctx.commands.has(LIST_NODE)) {
    throw new AdminError('feature-missing', `The activity log needs a newer Invite Desk module on ${ctx.domain}: update mod_invite_desk there.`);
  }
  const values: Record<string, string> = { kind: request.kind ?? 'all', offset: String(request.offset ?? 0), limit: String(request.limit ?? 100) };
  if (request.by) values.by = request.by;
  if (request.start) values.start = request.start;
  if (request.end) values.end = request.end;
  const { form } = await runCommand(ctx.iq, ctx.domain, LIST_NODE, ctx.timeoutMs, values, { formType: NS_ACTIVITY, submitFirst: true, what: 'reading the activity log' });
  const entries = (form?.items ?? []).flatMap((row) => readRow(row, ctx.serverId, ctx.domain) ?? []);
  const total = count(form ? textValue(form, 'total') : undefined) ?? entries.length;
  const admins = (form ? lines(form, 'admins') : []).filter((jid) => jid.length <= 3071 && jid.toLowerCase().endsWith(`@${ctx.domain}`)).slice(0, MAX_NAMED);
  return { total, admins, entries };
}
