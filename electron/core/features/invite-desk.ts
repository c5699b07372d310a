import xml, { type Element } from '@xmpp/xml';
import type { IqCaller } from '@xmpp/iq/caller.js';
import type {
  AdHocCommand,
  AdminActivity,
  CreateInvitesRequest,
  Invite,
  InvitePage,
  InviteState,
  InviteUse,
  LedgerInvite,
  ListInvitesRequest,
  OnboardingSet,
  PurgeResult,
  Registration,
  RegistrationPolicy,
  SignupPoint,
} from '../../../common/api';
import { AdminError } from '../../../common/errors';
import { readOnboarding } from '../../../common/onboarding';
import { ROCK_ON_SERVER } from '../../../common/setup-guide';
import { peekCommandForm, runCommand } from '../xmpp/adhoc';
import { discoInfo } from '../xmpp/disco';
import { field, lines, textValue, type DataForm, type SubmitValue } from '../xmpp/dataform';
import type { SessionContext } from './context';
import { describeRequestError } from '../error-messages';
import { tokenOf } from './invites';
import { NS_ACTIVITY, readActivityElement } from './activity-log';
import { everyPage, PAGE } from '../csv-export';

/** The protocol of mod_invite_desk (prosody/mod_invite_desk/README.md). */
export const NS = {
  policy: 'urn:x-invite-desk:policy:0',
  invites: 'urn:x-invite-desk:invites:0',
  events: 'urn:x-invite-desk:events:0',
  requests: 'urn:x-invite-desk:requests:0',
  members: 'urn:x-invite-desk:members:0',
  onboarding: 'urn:x-invite-desk:onboarding:0',
} as const;

export const MODULE_NODES = {
  create: `${NS.invites}#create`,
  list: `${NS.invites}#list`,
  revoke: `${NS.invites}#revoke`,
  export: `${NS.invites}#export`,
  purge: `${NS.invites}#purge-expired`,
  policy: NS.policy,
  onboarding: NS.onboarding,
} as const;

const POLICIES: readonly string[] = ['open', 'approval', 'invite-only', 'closed'];
const STATES: readonly string[] = ['pending', 'used', 'expired', 'revoked'];
const KINDS: readonly string[] = ['account', 'contact', 'reset'];

export const MODULE_SETUP = `install mod_invite_desk (sudo prosodyctl install ${ROCK_ON_SERVER}), add "invite_desk" to modules_enabled and load it: the Server tab shows each step for this server`;

export function hasModule(commands: ReadonlySet<string>): boolean {
  return commands.has(MODULE_NODES.create);
}

export function requireModule(ctx: SessionContext, what: string): void {
  if (!hasModule(ctx.commands)) throw new AdminError('feature-missing', `${what} needs the Invite Desk module on ${ctx.domain}. To enable it, ${MODULE_SETUP}.`);
}

/** Prosody's own roles, lowest first, for when the module does not list the server's. */
const STOCK_ROLES = {
  '13': ['prosody:registered', 'prosody:member', 'prosody:admin'],
  // 0.12 stores any role name, but only this one means something to Prosody itself.
  '0.12': ['prosody:admin'],
} as const;

const ROLE_NAME = /^[\w.:-]{1,100}$/;

/** A disco#info node the module answers only for those who may administer it. */
export const MODULE_ADMIN_NODE = 'urn:x-invite-desk:administer:0';

/**
 * The module's own answer to "may this account administer Invite Desk?",
 * which it decides by its permission invite_desk:administer (admins on 0.12).
 * Undefined where there is no module to ask (an unknown node), so that stock
 * Prosody's commands decide instead.
 */
export async function moduleGrantsAdmin(iq: IqCaller, domain: string, timeoutMs: number): Promise<boolean | undefined> {
  try {
    await discoInfo(iq, domain, timeoutMs, MODULE_ADMIN_NODE);
    return true;
  } catch (error) {
    return (error as { condition?: unknown }).condition === 'forbidden' ? false : undefined;
  }
}

/**
 * The roles a new invite may give, where invites take a role at all (with the
 * module): the options of the module's `role` field when it lists the
 * server's roles, else Prosody's well-known ones for the server's version.
 */
export async function inviteRoles(
  iq: IqCaller,
  domain: string,
  commands: readonly AdHocCommand[],
  software: { name: string; version: string } | undefined,
  timeoutMs: number,
): Promise<string[] | undefined> {
  if (!hasModule(new Set(commands.map((c) => c.node)))) return undefined;
  const listed = await listedRoles(iq, domain, timeoutMs).catch(() => []);
  if (listed.length > 0) return listed;
  const major = software?.name.toLowerCase() === 'prosody' ? Number(/^(\d+)\./.exec(software.version)?.[1]) : Number.NaN;
  return [...STOCK_ROLES[major >= 13 ? '13' : '0.12']];
}

/** The options the module's create form offers for `role`; its first stage is only looked at, then cancelled. */
async function listedRoles(iq: IqCaller, domain: string, timeoutMs: number): Promise<string[]> {
  const form = await peekCommandForm(iq, domain, MODULE_NODES.create, timeoutMs, 'asking which roles invites may give');
  const options = (form ? field(form, 'role')?.options : undefined) ?? [];
  return [...new Set(options.map((o) => o.value).filter((v) => ROLE_NAME.test(v)))].slice(0, 100);
}

const iso = (value: string | undefined): string | undefined => {
  if (value === undefined) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
};

/** A ledger row from its values by column name and its "used-by" lines, as the list's form rows and the export's elements carry them; null when it is not one. */
function ledgerRow(text: (name: string) => string | undefined, usedBy: readonly string[], domain: string): LedgerInvite | null {
  const id = text('id');
  const kind = text('kind') ?? 'account';
  const state = text('state') ?? 'pending';
  if (id === undefined || !/^[0-9a-f]{16}$/.test(id) || !KINDS.includes(kind) || !STATES.includes(state)) return null;
  const invite: LedgerInvite = {
    id,
    kind: kind as LedgerInvite['kind'],
    state: state as InviteState,
    uses: usedBy.flatMap((line) => {
      // "jid time", then words on what became of the member: signed-in:TIME, and what they got.
      const [jid, at, ...more] = line.split(' ');
      const time = iso(at);
      if (!jid?.endsWith(`@${domain}`) || !time) return [];
      const use: InviteUse = { jid, at: time };
      const signedIn = iso(more.find((word) => word.startsWith('signed-in:'))?.slice('signed-in:'.length));
      if (signedIn) use.signedInAt = signedIn;
      const onboarding = readOnboarding(more);
      if (onboarding) use.onboarding = onboarding;
      return [use];
    }),
  };
  const uri = text('uri');
  if (uri?.startsWith('xmpp:')) invite.uri = uri;
  const landing = text('landing-url');
  if (landing && /^https?:\/\//.test(landing)) invite.landingUrl = landing;
  const createdAt = iso(text('created'));
  if (createdAt) invite.createdAt = createdAt;
  const expires = iso(text('expires'));
  if (expires) invite.expires = expires;
  const maxUses = Number(text('max-uses'));
  if (Number.isInteger(maxUses) && maxUses > 0) invite.maxUses = maxUses;
  const batch = text('batch');
  if (batch && /^[0-9a-f]{16}$/.test(batch)) invite.batch = batch;
  for (const [key, name] of [['note', 'note'], ['username', 'username'], ['role', 'role'], ['createdBy', 'created-by'], ['source', 'source']] as const) {
    const value = text(name);
    if (value !== undefined) invite[key] = value;
  }
  return invite;
}

function rows(form: DataForm | undefined, domain: string): LedgerInvite[] {
  return (form?.items ?? []).flatMap((row) => {
    const invite = ledgerRow((name) => textValue(row, name), lines(row, 'used-by'), domain);
    return invite ? [invite] : [];
  });
}

/** The form fields of a set of rooms, contacts and welcome, as the module's create and defaults commands take them. */
export function onboardingValues(set: OnboardingSet): Record<string, SubmitValue> {
  return { rooms: set.rooms, contacts: set.contacts, welcome: set.welcome.split('\n'), 'welcome-from': set.welcomeFrom ?? '' };
}

export async function createModuleInvites(ctx: SessionContext, request: CreateInvitesRequest): Promise<Invite[]> {
  const values: Record<string, string> = { kind: request.kind, count: String(request.count ?? 1), 'max-uses': String(request.maxUses ?? 1) };
  if (request.expiresInSeconds !== undefined) values.expires = String(request.expiresInSeconds);
  if (request.note !== undefined) values.note = request.note;
  if (request.username !== undefined) values.username = request.username;
  if (request.role !== undefined) values.role = request.role;
  if (request.needsApproval) values['needs-approval'] = '1';
  const onboarding = request.onboarding ? { onboarding: 'invite', ...onboardingValues(request.onboarding) } : {};
  const stage = await runCommand(ctx.iq, ctx.domain, MODULE_NODES.create, ctx.timeoutMs, { ...values, ...onboarding }, { formType: NS.invites, submitFirst: true, what: 'creating invites' });
  const createdAt = new Date().toISOString();
  return rows(stage.form, ctx.domain).flatMap((row) => {
    const token = row.uri === undefined ? undefined : tokenOf(row.uri);
    if (row.uri === undefined || token === undefined) return [];
    const invite: Invite = { serverId: ctx.serverId, id: row.id, kind: row.kind, uri: row.uri, token, createdAt: row.createdAt ?? createdAt };
    if (row.landingUrl) invite.landingUrl = row.landingUrl;
    if (row.expires) invite.expires = row.expires;
    if (row.role) invite.role = row.role;
    return [invite];
  });
}

export async function listLedger(ctx: SessionContext, request: ListInvitesRequest): Promise<InvitePage> {
  requireModule(ctx, 'The invite ledger');
  const values: Record<string, string> = {
    state: request.state ?? 'all',
    kind: request.kind ?? 'all',
    sort: request.sort ?? 'newest',
    offset: String(request.offset ?? 0),
    limit: String(request.limit ?? 100),
  };
  if (request.query) values.query = request.query;
  if (request.createdBy) values['created-by'] = request.createdBy;
  if (request.role) values.role = request.role;
  const stage = await runCommand(ctx.iq, ctx.domain, MODULE_NODES.list, ctx.timeoutMs, values, { formType: NS.invites, submitFirst: true, what: 'listing invites' });
  const total = Number(stage.form ? textValue(stage.form, 'total') : undefined);
  const invites = rows(stage.form, ctx.domain);
  return { total: Number.isInteger(total) ? total : invites.length, invites };
}

const UNESCAPED: Record<string, string> = { t: '\t', n: '\n', r: '\r', '\\': '\\' };

/** The rows of one page of the module's export: a line per invite, a tab between cells named by `columns`, each cell with \t, \n, \r and \\ escaped. */
function exportedRows(page: Element): Map<string, string>[] {
  const columns = (page.attrs.columns ?? '').split(' ');
  const text = page.text();
  if (text === '') return [];
  return text.split('\n').map((line) => {
    const cells = line.split('\t');
    return new Map(columns.map((column, i) => [column, (cells[i] ?? '').replace(/\\(.)/g, (escape: string, c: string) => UNESCAPED[c] ?? escape)]));
  });
}

/** Rows asked for per page of an export; the module ends a page sooner once it nears its size bound. */
const EXPORT_PAGE = 10_000;

/**
 * The whole ledger, newest first, for an export: through the module's export
 * command, which sorts it once and hands it out page by page, or, from a
 * module older than that command, page by page of the listing. Stops at `most` rows.
 */
export async function exportLedger(ctx: SessionContext, most: number): Promise<LedgerInvite[]> {
  requireModule(ctx, 'Exporting the ledger');
  if (!ctx.commands.has(MODULE_NODES.export)) return exportByListing(ctx, most);
  const invites: LedgerInvite[] = [];
  let cursor = '';
  for (let read = 0; read < most; ) {
    const values = { cursor, limit: String(Math.min(EXPORT_PAGE, most - read)) };
    const stage = await runCommand(ctx.iq, ctx.domain, MODULE_NODES.export, ctx.timeoutMs, values, { formType: NS.invites, submitFirst: true, what: 'exporting the ledger' });
    const page = stage.payload.find((element) => element.is('export', NS.invites));
    if (!page) throw new AdminError('server-error', `The Invite Desk module on ${ctx.domain} sent no page of its ledger. Update mod_invite_desk there.`);
    const rows = exportedRows(page);
    for (const row of rows) {
      const invite = ledgerRow((name) => row.get(name) || undefined, row.get('used-by')?.split('\n').filter(Boolean) ?? [], ctx.domain);
      if (invite) invites.push(invite);
    }
    read += rows.length;
    const next = page.attrs.cursor;
    if (typeof next !== 'string' || next === '') break;
    // Every page but the last holds rows: one without would never end.
    if (rows.length === 0) throw new AdminError('server-error', `The Invite Desk module on ${ctx.domain} sent an empty page of its ledger in the middle of an export. Check the server's log.`);
    cursor = next;
  }
  return invites.slice(0, most);
}

function exportByListing(ctx: SessionContext, most: number): Promise<LedgerInvite[]> {
  return everyPage(async (offset) => {
    const { total, invites } = await listLedger(ctx, { serverId: ctx.serverId, offset, limit: PAGE, sort: 'newest' });
    return { total, rows: invites };
  }, most);
}

/** A count the module put in a result field. */
function counted(form: DataForm | undefined, name: string): number | undefined {
  const n = Number(form ? textValue(form, name) : undefined);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

export async function revokeLedger(ctx: SessionContext, ids: string[]): Promise<number> {
  requireModule(ctx, 'Revoking invites');
  const { form } = await runCommand(ctx.iq, ctx.domain, MODULE_NODES.revoke, ctx.timeoutMs, { ids: ids.join('\n') }, { formType: NS.invites, submitFirst: true, what: 'revoking invites' });
  const revoked = counted(form, 'revoked');
  if (revoked === undefined) throw new AdminError('server-error', `The Invite Desk module on ${ctx.domain} did not say how many invites it revoked. Update mod_invite_desk there.`);
  return revoked;
}

export async function purgeExpired(ctx: SessionContext): Promise<PurgeResult> {
  requireModule(ctx, 'Purging expired invites');
  const { form } = await runCommand(ctx.iq, ctx.domain, MODULE_NODES.purge, ctx.timeoutMs, undefined, { what: 'removing expired invites' });
  const purged = counted(form, 'purged');
  if (purged === undefined) throw new AdminError('server-error', `The Invite Desk module on ${ctx.domain} did not say how many invites it removed. Update mod_invite_desk there.`);
  const result: PurgeResult = { purged, forgotten: counted(form, 'dropped') ?? 0 };
  const days = Number(form ? textValue(form, 'ledger-days') : undefined);
  if (result.forgotten > 0 && Number.isFinite(days) && days >= 0) result.ledgerDays = days;
  return result;
}

export async function readPolicy(ctx: SessionContext): Promise<RegistrationPolicy> {
  requireModule(ctx, 'Switching the registration policy');
  // The command's first stage shows the current policy as its default.
  const form = await peekCommandForm(ctx.iq, ctx.domain, MODULE_NODES.policy, ctx.timeoutMs, 'reading the registration policy');
  const mode = form ? field(form, 'mode')?.values[0] : undefined;
  if (mode === undefined || !POLICIES.includes(mode)) throw new AdminError('server-error', 'The server did not say its registration policy.');
  return mode as RegistrationPolicy;
}

/** Switches the policy; with `previous` (what the admin saw), refused with `conflict` when another admin switched it since. */
export async function writePolicy(ctx: SessionContext, policy: RegistrationPolicy, previous?: RegistrationPolicy): Promise<void> {
  requireModule(ctx, 'Switching the registration policy');
  const values: Record<string, string> = { mode: policy };
  if (previous) values.previous = previous;
  await runCommand(ctx.iq, ctx.domain, MODULE_NODES.policy, ctx.timeoutMs, values, { formType: NS.policy, submitFirst: true, what: 'changing the registration policy' });
}

/** A `<signup>` event of the module, checked field by field. */
export function readSignup(element: Element, serverId: string, domain: string, catchUp: boolean): Registration | null {
  if (!element.is('signup', NS.events)) return null;
  const { id, username, jid, time, ip, invite, inviter, source, role } = element.attrs;
  const stamp = iso(time);
  if (!id || id.length > 200 || !username || username.length > 1023 || jid !== `${username}@${domain}` || !stamp) return null;
  const registration: Registration = { serverId, id, username, jid, time: stamp, source: 'invite-desk', catchUp };
  if (ip && /^[0-9A-Fa-f:.]{2,45}$/.test(ip)) registration.ip = ip;
  if (invite && /^[0-9a-f]{16}$/.test(invite)) registration.invite = invite;
  const by = inviter ?? source;
  if (by && by.length <= 3071) registration.inviter = by;
  const note = element.getChildText('note');
  if (note) registration.note = note.slice(0, 500);
  if (role && ROLE_NAME.test(role)) registration.role = role;
  const onboarding = readOnboarding((element.getChildText('onboarding', NS.onboarding) ?? '').slice(0, 100_000).split(' '));
  if (onboarding) registration.onboarding = onboarding;
  return registration;
}

export interface ModuleUpdate {
  registrations: Registration[];
  policy?: RegistrationPolicy;
  by?: string;
  /** When the policy was switched, ISO 8601. */
  time?: string;
  /** What an admin did, pushed as it happened. */
  activity?: AdminActivity;
}

/** The policy element's mode, by and time, into `update`. */
function readPolicyElement(element: Element | undefined, update: ModuleUpdate, domain: string): void {
  const { mode, by, time } = element?.attrs ?? {};
  if (mode === undefined || !POLICIES.includes(mode)) return;
  update.policy = mode as RegistrationPolicy;
  if (by && by.length <= 3071 && by.toLowerCase().endsWith(`@${domain}`)) update.by = by;
  const stamp = iso(time);
  if (stamp) update.time = stamp;
}

/** A headline the module sent this session: a sign-up or a policy change. Anything else, or from anyone else, is null. */
export function readModuleMessage(stanza: Element, serverId: string, domain: string): ModuleUpdate | null {
  if (!stanza.is('message') || (stanza.attrs.from ?? '').toLowerCase() !== domain) return null;
  const signup = stanza.getChild('signup', NS.events);
  if (signup) {
    const registration = readSignup(signup, serverId, domain, false);
    return registration ? { registrations: [registration] } : null;
  }
  const update: ModuleUpdate = { registrations: [] };
  readPolicyElement(stanza.getChild('policy', NS.policy), update, domain);
  const activity = stanza.getChild('activity', NS_ACTIVITY);
  const entry = activity ? readActivityElement(activity, serverId, domain) : null;
  if (entry) update.activity = entry;
  return update.policy !== undefined || entry ? update : null;
}

/** The most events the module sends in one answer: a long catch-up takes few round trips. */
const EVENTS_PER_PAGE = 1000;

export interface EventsPage extends ModuleUpdate {
  /** The server has more after these: ask again from the last one. */
  complete: boolean;
  /** The cursor was no longer in the server's history: sign-ups between it and the first event here are lost. */
  gap: boolean;
}

/** Subscribes this session to live events and returns those after `cursor`, with the current policy. */
export async function subscribeEvents(iq: IqCaller, serverId: string, domain: string, cursor: string | undefined, timeoutMs: number): Promise<EventsPage> {
  const reply = await iq.request(xml('iq', { type: 'set', to: domain }, xml('subscribe', { xmlns: NS.events, after: cursor, max: String(EVENTS_PER_PAGE) })), timeoutMs);
  const events = reply.getChild('events', NS.events);
  if (!events) throw new AdminError('server-error', 'The Invite Desk module answered the subscription with something unexpected.');
  const update: EventsPage = {
    registrations: events.getChildren('signup', NS.events).flatMap((el) => {
      const r = readSignup(el, serverId, domain, true);
      return r ? [r] : [];
    }),
    complete: events.attrs.complete !== 'false',
    gap: events.attrs.gap === 'true',
  };
  readPolicyElement(events.getChild('policy', NS.policy), update, domain);
  return update;
}

/** Sign-ups of the last `days` days from the module's history: when each was, and who invited it. */
export async function readSignupHistory(ctx: SessionContext, days: number): Promise<SignupPoint[]> {
  requireModule(ctx, 'The history of sign-ups');
  let reply: Element;
  try {
    reply = await ctx.iq.request(xml('iq', { type: 'get', to: ctx.domain }, xml('history', { xmlns: NS.events, days: String(days) })), ctx.timeoutMs);
  } catch (error) {
    throw describeRequestError(error, 'reading the history of sign-ups');
  }
  return (reply.getChild('history', NS.events)?.getChildren('signup') ?? []).flatMap((el): SignupPoint[] => {
    const time = Date.parse(el.attrs.time ?? '');
    if (Number.isNaN(time)) return [];
    const point: SignupPoint = { time: new Date(time).toISOString() };
    if (el.attrs.inviter) point.inviter = el.attrs.inviter;
    return [point];
  });
}

/** What the admin is told when a catch-up started past a gap in the server's history. */
export function historyGapNotice(domain: string): string {
  return `Some sign-ups on ${domain} from while Invite Desk was away are no longer in the server's history, so they are not shown: see the server's accounts for them.`;
}
