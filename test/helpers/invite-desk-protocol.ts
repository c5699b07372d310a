import { rm, writeFile } from 'node:fs/promises';
import { connect as tcpConnect } from 'node:net';
import { join } from 'node:path';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import xml, { type Element } from '@xmpp/xml';
import Parser from '@xmpp/xml/lib/Parser.js';
import type { XmppClient } from '../../electron/core/xmpp/client';
import { testClient } from './session';
import type { Account, ProsodyServer } from './prosody';
import type { RegisterOutcome } from './raw-register';

/**
 * mod_invite_desk's protocol, spoken directly over XMPP (XEP-0050 commands
 * with XEP-0004 forms, and the events namespace), with none of the app's
 * feature code in between: the tests check the module's wire format.
 */

export const NS = {
  policy: 'urn:x-invite-desk:policy:0',
  invites: 'urn:x-invite-desk:invites:0',
  events: 'urn:x-invite-desk:events:0',
  accounts: 'urn:x-invite-desk:accounts:0',
  requests: 'urn:x-invite-desk:requests:0',
  members: 'urn:x-invite-desk:members:0',
  onboarding: 'urn:x-invite-desk:onboarding:0',
  activity: 'urn:x-invite-desk:activity:0',
} as const;

export const NODES = {
  create: `${NS.invites}#create`,
  list: `${NS.invites}#list`,
  revoke: `${NS.invites}#revoke`,
  purge: `${NS.invites}#purge-expired`,
  policy: NS.policy,
  requests: `${NS.requests}#list`,
  approve: `${NS.requests}#approve`,
  reject: `${NS.requests}#reject`,
  memberSettings: `${NS.members}#settings`,
  tree: `${NS.members}#tree`,
  revokePending: `${NS.members}#revoke-pending`,
  holdInvitees: `${NS.members}#hold-invitees`,
  onboarding: NS.onboarding,
  activity: `${NS.activity}#list`,
} as const;

/** The disco#info node the module answers only for those who may administer it. */
export const NODE_ADMIN = 'urn:x-invite-desk:administer:0';

const NS_COMMANDS = 'http://jabber.org/protocol/commands';
const NS_DISCO_INFO = 'http://jabber.org/protocol/disco#info';
const NS_DATA = 'jabber:x:data';
const TIMEOUT_MS = 30_000;

export type Policy = 'open' | 'approval' | 'invite-only' | 'closed';

/** A signed-in session that keeps every stanza it receives, to wait on without racing. */
export interface Session {
  client: XmppClient;
  domain: string;
  jid: string;
  received: Element[];
  /** Resolves with the first stanza, received before or after the call, for which `pick` returns something. */
  waitFor<T>(pick: (stanza: Element) => T | undefined, what: string, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

export async function signIn(server: ProsodyServer, account: Account, resource: string): Promise<Session> {
  const client = testClient(server, account, resource);
  const received: Element[] = [];
  const waiters = new Set<() => void>();
  client.entity.on('error', () => undefined);
  client.entity.on('stanza', (stanza: Element) => {
    received.push(stanza);
    for (const wake of waiters) wake();
  });
  await client.entity.start();
  return {
    client,
    domain: server.domain,
    jid: `${account.username}@${server.domain}/${resource}`,
    received,
    waitFor<T>(pick: (stanza: Element) => T | undefined, what: string, timeoutMs = TIMEOUT_MS): Promise<T> {
      return new Promise((resolve, reject) => {
        let seen = 0;
        const check = (): void => {
          for (; seen < received.length; seen++) {
            const stanza = received[seen];
            const found = stanza === undefined ? undefined : pick(stanza);
            if (found !== undefined) {
              done();
              resolve(found);
              return;
            }
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`timed out waiting for ${what}`));
        }, timeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async stop() {
      await client.entity.stop();
    },
  };
}

/** An iq to the session's server; resolves with the result, rejects with the error (its `condition` set). */
export function request(session: Session, type: 'get' | 'set', payload: Element): Promise<Element> {
  return session.client.iqCaller.request(xml('iq', { type, to: session.domain }, payload), TIMEOUT_MS);
}

/** The condition of the iq error a request was refused with. */
export async function refusal(pending: Promise<unknown>): Promise<string> {
  try {
    await pending;
  } catch (error) {
    const condition = (error as { condition?: unknown }).condition;
    if (typeof condition === 'string') return condition;
    throw error;
  }
  throw new Error('expected the request to be refused');
}

/** The features of the module's administration node, or null when the server refuses it to this session (`forbidden`). */
export async function adminFeatures(session: Session): Promise<string[] | null> {
  try {
    const reply = await request(session, 'get', xml('query', { xmlns: NS_DISCO_INFO, node: NODE_ADMIN }));
    return (reply.getChild('query', NS_DISCO_INFO)?.getChildren('feature') ?? []).map((f) => f.attrs.var ?? '');
  } catch (error) {
    if ((error as { condition?: unknown }).condition === 'forbidden') return null;
    throw error;
  }
}

// Ad-hoc commands -------------------------------------------------------------

export interface Note {
  type: string;
  text: string;
}

export interface Stage {
  status: string;
  sessionid: string | undefined;
  notes: Note[];
  form: Element | undefined;
}

export type Fields = Record<string, string | string[]>;

/** A submitted form: FORM_TYPE plus `fields`. */
export function submitForm(formType: string, fields: Fields): Element {
  const field = (name: string, value: string | string[]): Element =>
    xml('field', { var: name }, ...(Array.isArray(value) ? value : [value]).map((v) => xml('value', {}, v)));
  return xml('x', { xmlns: NS_DATA, type: 'submit' }, field('FORM_TYPE', formType), ...Object.entries(fields).map(([name, value]) => field(name, value)));
}

/** One stage of a command; rejects with the iq error (e.g. `forbidden`) if there is one. */
export async function command(session: Session, node: string, stage: { action?: string; sessionid?: string; form?: Element } = {}): Promise<Stage> {
  const reply = await request(session, 'set', xml('command', { xmlns: NS_COMMANDS, node, action: stage.action ?? 'execute', sessionid: stage.sessionid }, stage.form));
  const element = reply.getChild('command', NS_COMMANDS);
  if (!element) throw new Error(`no command in the reply to ${node}`);
  return {
    status: element.attrs.status ?? '',
    sessionid: element.attrs.sessionid,
    notes: element.getChildren('note').map((n) => ({ type: n.attrs.type ?? 'info', text: n.text() })),
    form: element.getChild('x', NS_DATA),
  };
}

/** Runs a command with its form submitted in the first request, as Prosody allows. */
export function run(session: Session, node: string, formType: string, fields: Fields = {}): Promise<Stage> {
  return command(session, node, { form: submitForm(formType, fields) });
}

/** The text of a command's error note; throws if the command did not fail. */
export function errorNote(stage: Stage): string {
  const note = stage.notes.find((n) => n.type === 'error');
  if (!note || stage.status !== 'completed') throw new Error(`expected an error note, got ${stage.status} with ${JSON.stringify(stage.notes)}`);
  return note.text;
}

function succeeded(stage: Stage, what: string): Stage {
  const failure = stage.notes.find((n) => n.type === 'error');
  if (failure || stage.status !== 'completed') throw new Error(`${what} failed: ${failure?.text ?? stage.status}`);
  return stage;
}

// Forms -----------------------------------------------------------------------

function values(field: Element | undefined): string[] {
  return field?.getChildren('value').map((v) => v.text()) ?? [];
}

export function fieldValues(form: Element | undefined, name: string): string[] {
  return values(form?.getChildren('field').find((f) => f.attrs.var === name));
}

export interface LedgerRow {
  id: string;
  kind: string;
  state: string;
  uri?: string;
  landingUrl?: string;
  created?: string;
  expires?: string;
  uses: number;
  maxUses?: number;
  /** Each use, with the words after its time: what the member got and whether they signed in since. */
  usedBy: { jid: string; at: string; more: string[] }[];
  note?: string;
  username?: string;
  role?: string;
  createdBy?: string;
  source?: string;
  needsApproval?: boolean;
  batch?: string;
}

const OPTIONAL_COLUMNS = [
  ['uri', 'uri'],
  ['landingUrl', 'landing-url'],
  ['created', 'created'],
  ['expires', 'expires'],
  ['note', 'note'],
  ['username', 'username'],
  ['role', 'role'],
  ['createdBy', 'created-by'],
  ['source', 'source'],
  ['batch', 'batch'],
] as const;

/** The rows of a reported/item table of invites. */
export function ledgerRows(form: Element | undefined): LedgerRow[] {
  return (form?.getChildren('item') ?? []).map((item) => {
    const all = (name: string): string[] => values(item.getChildren('field').find((f) => f.attrs.var === name));
    const one = (name: string): string | undefined => all(name)[0];
    const row: LedgerRow = {
      id: one('id') ?? '',
      kind: one('kind') ?? '',
      state: one('state') ?? '',
      uses: Number(one('uses')),
      usedBy: all('used-by').map((line) => {
        const [jid = '', at = '', ...more] = line.split(' ');
        return { jid, at, more };
      }),
    };
    for (const [key, name] of OPTIONAL_COLUMNS) {
      const value = one(name);
      if (value !== undefined) row[key] = value;
    }
    const maxUses = one('max-uses');
    if (maxUses !== undefined) row.maxUses = Number(maxUses);
    if (one('needs-approval') === '1') row.needsApproval = true;
    return row;
  });
}

// The module's commands -------------------------------------------------------

export interface CreateOptions {
  kind?: string;
  count?: number;
  expires?: number;
  maxUses?: number;
  note?: string;
  username?: string;
  role?: string;
  needsApproval?: boolean;
  /** `invite` gives the invite the rooms, contacts and welcome below; `defaults` (the module's default) leaves it to the server's. */
  onboarding?: 'defaults' | 'invite';
  rooms?: string[];
  contacts?: string[];
  welcome?: string;
  welcomeFrom?: string;
}

function createFields(options: CreateOptions): Fields {
  const fields: Fields = {};
  if (options.kind !== undefined) fields.kind = options.kind;
  if (options.count !== undefined) fields.count = String(options.count);
  if (options.expires !== undefined) fields.expires = String(options.expires);
  if (options.maxUses !== undefined) fields['max-uses'] = String(options.maxUses);
  if (options.note !== undefined) fields.note = options.note;
  if (options.username !== undefined) fields.username = options.username;
  if (options.role !== undefined) fields.role = options.role;
  if (options.needsApproval !== undefined) fields['needs-approval'] = options.needsApproval ? '1' : '0';
  Object.assign(fields, onboardingFields(options));
  return fields;
}

export interface OnboardingOptions {
  onboarding?: 'defaults' | 'invite';
  rooms?: string[];
  contacts?: string[];
  welcome?: string;
  welcomeFrom?: string;
}

/** The fields of a set of rooms, contacts and welcome, as the create and defaults commands take them. */
export function onboardingFields(options: OnboardingOptions): Fields {
  const fields: Fields = {};
  if (options.onboarding !== undefined) fields.onboarding = options.onboarding;
  if (options.rooms !== undefined) fields.rooms = options.rooms;
  if (options.contacts !== undefined) fields.contacts = options.contacts;
  if (options.welcome !== undefined) fields.welcome = options.welcome.split('\n');
  if (options.welcomeFrom !== undefined) fields['welcome-from'] = options.welcomeFrom;
  return fields;
}

export function tryCreate(session: Session, options: CreateOptions = {}): Promise<Stage> {
  return run(session, NODES.create, NS.invites, createFields(options));
}

export interface CreatedInvite extends LedgerRow {
  uri: string;
  token: string;
}

/** The token in an invite URI. */
export function tokenOf(uri: string | undefined): string | undefined {
  return /preauth=([A-Za-z0-9_-]+)/.exec(uri ?? '')?.[1];
}

export async function createInvites(session: Session, options: CreateOptions = {}): Promise<CreatedInvite[]> {
  const stage = succeeded(await tryCreate(session, options), 'creating invites');
  return ledgerRows(stage.form).map((row) => {
    const token = tokenOf(row.uri);
    if (row.uri === undefined || token === undefined) throw new Error(`a created invite without a token: ${JSON.stringify(row)}`);
    return { ...row, uri: row.uri, token };
  });
}

export interface LedgerFilter {
  state?: string;
  kind?: string;
  createdBy?: string;
  query?: string;
  sort?: string;
  role?: string;
  offset?: number;
  limit?: number;
}

/** The list command's fields for `filter`; the whole ledger (up to 1000) when it says nothing. */
export function ledgerFields(filter: LedgerFilter): Fields {
  const fields: Fields = { offset: String(filter.offset ?? 0), limit: String(filter.limit ?? 1000) };
  for (const [key, name] of [['state', 'state'], ['kind', 'kind'], ['createdBy', 'created-by'], ['query', 'query'], ['sort', 'sort'], ['role', 'role']] as const) {
    const value = filter[key];
    if (value !== undefined) fields[name] = value;
  }
  return fields;
}

export async function listInvites(session: Session, filter: LedgerFilter = {}): Promise<{ total: number; rows: LedgerRow[] }> {
  const fields = ledgerFields(filter);
  const stage = succeeded(await run(session, NODES.list, NS.invites, fields), 'listing invites');
  return { total: Number(fieldValues(stage.form, 'total')[0]), rows: ledgerRows(stage.form) };
}

/** Revokes invites by id; returns the info note. */
export async function revokeInvites(session: Session, ids: string[]): Promise<string> {
  const stage = succeeded(await run(session, NODES.revoke, NS.invites, { ids }), 'revoking invites');
  return stage.notes.map((n) => n.text).join(' ');
}

/** What a revocation's result form says, whether it succeeded or not. */
export async function revokeOutcome(session: Session, ids: string[]): Promise<{ stage: Stage; revoked: number; usedUp: string[]; alreadyRevoked: string[] }> {
  const stage = await run(session, NODES.revoke, NS.invites, { ids });
  return { stage, revoked: Number(fieldValues(stage.form, 'revoked')[0]), usedUp: fieldValues(stage.form, 'used-up'), alreadyRevoked: fieldValues(stage.form, 'already-revoked') };
}

/** Purges expired invites; returns the info note. */
export async function purgeExpired(session: Session): Promise<string> {
  const stage = succeeded(await command(session, NODES.purge), 'purging expired invites');
  return stage.notes.map((n) => n.text).join(' ');
}

export interface ActivityEntry {
  id?: string;
  time: string;
  kind: string;
  by?: string;
  source?: string;
  mode?: string;
  previous?: string;
  count?: string;
  outcome?: string;
  invites: string[];
  accounts: string[];
}

/** A page of the activity log, newest first, with its total and the admins it names. */
export async function listActivity(session: Session, filter: Fields = {}): Promise<{ total: number; admins: string[]; entries: ActivityEntry[] }> {
  const stage = succeeded(await run(session, NODES.activity, NS.activity, filter), 'listing the activity');
  const entries = (stage.form?.getChildren('item') ?? []).map((item) => {
    const all = (name: string): string[] => values(item.getChildren('field').find((f) => f.attrs.var === name));
    const entry: ActivityEntry = { time: all('time')[0] ?? '', kind: all('kind')[0] ?? '', invites: all('invites'), accounts: all('accounts') };
    for (const key of ['id', 'by', 'source', 'mode', 'previous', 'count', 'outcome'] as const) {
      const value = all(key)[0];
      if (value !== undefined) entry[key] = value;
    }
    return entry;
  });
  return { total: Number(fieldValues(stage.form, 'total')[0]), admins: fieldValues(stage.form, 'admins'), entries };
}

/** Picks a live activity headline from the server (of `kind`, if given), for `waitFor`. */
export function liveActivity(domain: string, kind?: string): (stanza: Element) => Element | undefined {
  return (stanza) => {
    const element = headline(domain, stanza) ? stanza.getChild('activity', NS.activity) : undefined;
    return element && (kind === undefined || element.attrs.kind === kind) ? element : undefined;
  };
}

/** The current policy, as the default of the policy command's form (which is then cancelled). */
export async function readPolicy(session: Session): Promise<string | undefined> {
  const stage = await command(session, NODES.policy);
  if (stage.status !== 'executing') throw new Error(`the policy command did not show its form: ${stage.status}`);
  await command(session, NODES.policy, { action: 'cancel', ...(stage.sessionid === undefined ? {} : { sessionid: stage.sessionid }) });
  return fieldValues(stage.form, 'mode')[0];
}

export async function setPolicy(session: Session, mode: Policy): Promise<void> {
  succeeded(await run(session, NODES.policy, NS.policy, { mode }), `setting the policy to ${mode}`);
}

// Requests to join -------------------------------------------------------------

export interface JoinRequestRow {
  jid: string;
  time: string;
  ip?: string;
  reason?: string;
  invite?: string;
  inviter?: string;
  why?: string;
}

/** The rows of a reported/item table, each field's first value by name. */
function tableRows(form: Element | undefined): Record<string, string | undefined>[] {
  return (form?.getChildren('item') ?? []).map((item) =>
    Object.fromEntries(item.getChildren('field').map((f) => [f.attrs.var ?? '', f.getChildText('value') ?? undefined])),
  );
}

/** Every waiting request (up to `limit`), newest first, with the total. */
export async function listRequests(session: Session, limit = 1000): Promise<{ total: number; rows: JoinRequestRow[] }> {
  const stage = succeeded(await run(session, NODES.requests, NS.requests, { limit: String(limit) }), 'listing requests to join');
  const rows = tableRows(stage.form).map((row) => {
    const request: JoinRequestRow = { jid: row.jid ?? '', time: row.time ?? '' };
    for (const key of ['ip', 'reason', 'invite', 'inviter', 'why'] as const) {
      const value = row[key];
      if (value !== undefined) request[key] = value;
    }
    return request;
  });
  return { total: Number(fieldValues(stage.form, 'total')[0]), rows };
}

export interface Decision {
  /** The accounts approved or rejected. */
  decided: string[];
  notHeld: string[];
  failed: string[];
  note: string;
}

/** Approves or rejects the named accounts (names or JIDs), or all of them; reads what happened from the result's fields. */
export async function decide(session: Session, verdict: 'approve' | 'reject', accounts: string[] | 'all', keepDisabled = false): Promise<Decision> {
  const fields: Fields = accounts === 'all' ? { all: '1' } : { accounts };
  if (keepDisabled) fields['keep-disabled'] = '1';
  const stage = succeeded(await run(session, verdict === 'approve' ? NODES.approve : NODES.reject, NS.requests, fields), `${verdict} requests`);
  return {
    decided: fieldValues(stage.form, verdict === 'approve' ? 'approved' : 'rejected'),
    notHeld: fieldValues(stage.form, 'not-held'),
    failed: fieldValues(stage.form, 'failed'),
    note: stage.notes.map((n) => n.text).join(' '),
  };
}

/** Picks a live request headline from the server (of `username`, if given), for `waitFor`. */
export function liveRequest(domain: string, username?: string): (stanza: Element) => Record<string, string | undefined> | undefined {
  return (stanza) => {
    const attrs = headline(domain, stanza) ? stanza.getChild('request', NS.requests)?.attrs : undefined;
    return attrs && (username === undefined || attrs.username === username) ? attrs : undefined;
  };
}

/** Picks a live decision headline, as its outcome and the JIDs it names, for `waitFor`. */
export function liveDecision(domain: string): (stanza: Element) => { outcome: string; by: string | undefined; jids: string[] } | undefined {
  return (stanza) => {
    const element = headline(domain, stanza) ? stanza.getChild('decided', NS.requests) : undefined;
    return element && { outcome: element.attrs.outcome ?? '', by: element.attrs.by, jids: element.getChildren('account').map((a) => a.attrs.jid ?? '') };
  };
}

// Member invites ----------------------------------------------------------------

export interface MemberRules {
  who?: 'admins' | 'members' | 'role';
  role?: string;
  perPeriod?: number;
  periodDays?: number;
  maxPending?: number;
  minAgeDays?: number;
}

export async function setMemberRules(session: Session, rules: MemberRules): Promise<void> {
  const fields: Fields = {};
  if (rules.who !== undefined) fields.who = rules.who;
  if (rules.role !== undefined) fields.role = rules.role;
  if (rules.perPeriod !== undefined) fields['per-period'] = String(rules.perPeriod);
  if (rules.periodDays !== undefined) fields['period-days'] = String(rules.periodDays);
  if (rules.maxPending !== undefined) fields['max-pending'] = String(rules.maxPending);
  if (rules.minAgeDays !== undefined) fields['min-age-days'] = String(rules.minAgeDays);
  succeeded(await run(session, NODES.memberSettings, NS.members, fields), 'setting who may invite');
}

export interface TreeRow {
  jid: string;
  invitedBy?: string;
  joined?: string;
  pending: number;
  holdInvitees: boolean;
}

export async function inviterTree(session: Session): Promise<TreeRow[]> {
  const stage = succeeded(await command(session, NODES.tree), 'reading the inviter tree');
  return tableRows(stage.form).map((row) => {
    const entry: TreeRow = { jid: row.jid ?? '', pending: Number(row.pending), holdInvitees: row['hold-invitees'] === '1' };
    if (row['invited-by'] !== undefined) entry.invitedBy = row['invited-by'];
    if (row.joined !== undefined) entry.joined = row.joined;
    return entry;
  });
}

/** Revokes every pending invite of a member in one request; returns how many. */
export async function revokePending(session: Session, jid: string): Promise<number> {
  const stage = succeeded(await run(session, NODES.revokePending, NS.members, { jid }), 'revoking a member\'s invites');
  return Number(fieldValues(stage.form, 'revoked')[0]);
}

export async function holdInvitees(session: Session, jid: string, hold: boolean): Promise<void> {
  succeeded(await run(session, NODES.holdInvitees, NS.members, { jid, hold: hold ? '1' : '0' }), 'holding a member\'s invitees');
}

// Events ----------------------------------------------------------------------

export interface Signup {
  id: string | undefined;
  username: string;
  jid: string;
  time: string;
  ip: string | undefined;
  invite: string | undefined;
  inviter: string | undefined;
  source: string | undefined;
  role: string | undefined;
  note: string | null;
  /** What the member got (mod_invite_desk's onboarding), as words such as `room:general@conference.example.org`. */
  onboarding: string[];
}

export function readSignup(element: Element): Signup {
  const a = element.attrs;
  return {
    id: a.id,
    username: a.username ?? '',
    jid: a.jid ?? '',
    time: a.time ?? '',
    ip: a.ip,
    invite: a.invite,
    inviter: a.inviter,
    source: a.source,
    role: a.role,
    note: element.getChildText('note'),
    onboarding: (element.getChildText('onboarding', NS.onboarding) ?? '').split(' ').filter((word) => word !== ''),
  };
}

function headline(domain: string, stanza: Element): boolean {
  return stanza.is('message') && stanza.attrs.type === 'headline' && stanza.attrs.from === domain;
}

/** Picks a live sign-up headline from the server (of `username`, if given), for `waitFor`. */
export function liveSignup(domain: string, username?: string): (stanza: Element) => Signup | undefined {
  return (stanza) => {
    const element = headline(domain, stanza) ? stanza.getChild('signup', NS.events) : undefined;
    const signup = element && readSignup(element);
    return signup && (username === undefined || signup.username === username) ? signup : undefined;
  };
}

/** Picks a live policy headline from the server announcing `mode`, for `waitFor`. */
export function livePolicy(domain: string, mode: Policy): (stanza: Element) => Record<string, string | undefined> | undefined {
  return (stanza) => {
    const attrs = headline(domain, stanza) ? stanza.getChild('policy', NS.policy)?.attrs : undefined;
    return attrs?.mode === mode ? attrs : undefined;
  };
}

export interface EventsPage {
  complete: boolean;
  gap: boolean;
  policy: string | undefined;
  signups: Signup[];
}

/** The subscription iq: subscribes this session and returns the events after `after`. */
export async function subscribe(session: Session, after?: string, max?: number): Promise<EventsPage> {
  const reply = await request(session, 'set', xml('subscribe', { xmlns: NS.events, after, max: max === undefined ? undefined : String(max) }));
  const events = reply.getChild('events', NS.events);
  if (!events) throw new Error('no events in the reply to subscribe');
  return {
    complete: events.attrs.complete === 'true',
    gap: events.attrs.gap === 'true',
    policy: events.getChild('policy', NS.policy)?.attrs.mode,
    signups: events.getChildren('signup', NS.events).map(readSignup),
  };
}

export async function unsubscribe(session: Session): Promise<void> {
  await request(session, 'set', xml('unsubscribe', { xmlns: NS.events }));
}

/** The cursor of the i-th event seeded into the history. */
export const seedKey = (i: number): string => `seed-${String(i).padStart(5, '0')}`;

/** Prosody's internal list-store file for `count` sign-up events, oldest first, as the module appends them. */
function signupHistory(domain: string, count: number): string {
  const start = Math.floor(Date.now() / 1000) - count;
  return Array.from({ length: count }, (_, i) => {
    const when = start + i;
    const stamp = new Date(when * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    return (
      `item({ ["name"] = "signup"; ["attr"] = { ["xmlns"] = "${NS.events}"; ["username"] = "seed${i}"; ["jid"] = "seed${i}@${domain}"; ` +
      `["time"] = "${stamp}"; ["stamp"] = "${stamp}"; }; ["key"] = "${seedKey(i)}"; ["when"] = ${when}; });\n`
    );
  }).join('');
}

/** Replaces the module's sign-up history with `count` events (keyed by `seedKey`), written with the server stopped. */
export async function seedHistory(server: ProsodyServer, count: number): Promise<void> {
  await server.editHostData(async (hostDir) => {
    await writeFile(join(hostDir, 'invite_desk_events.list'), signupHistory(server.domain, count));
    // Prosody 13 keeps an index beside the list; without one it builds it anew.
    await rm(join(hostDir, 'invite_desk_events.lidx'), { force: true });
  });
}

// Signing up in two steps ----------------------------------------------------

/** A new member's session that has shown its invite token (XEP-0401 preauth) and not yet registered. */
export interface Preauthorized {
  register(username: string, password: string): Promise<RegisterOutcome>;
  close(): void;
}

/**
 * STARTTLS and preauth now, in-band registration later: lets a test hold many
 * sessions past preauth, then register them all at once. (raw-register's
 * `registerAccount` does both steps in one go.)
 */
export async function preauthorize(server: ProsodyServer, token: string): Promise<Preauthorized> {
  const queued: Element[] = [];
  const waiting: ((element: Element) => void)[] = [];
  let parser = new Parser();
  // A new stream starts after STARTTLS: parse it from scratch.
  const restart = (): void => {
    parser = new Parser();
    parser.on('element', (element: Element) => {
      const waiter = waiting.shift();
      if (waiter) waiter(element);
      else queued.push(element);
    });
  };
  const next = (): Promise<Element> => {
    const element = queued.shift();
    if (element) return Promise.resolve(element);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the server did not answer')), TIMEOUT_MS);
      waiting.push((arrived) => {
        clearTimeout(timer);
        resolve(arrived);
      });
    });
  };
  const header = `<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='${server.domain}' version='1.0'>`;
  restart();
  const plain = tcpConnect(server.c2sPort, server.host);
  plain.setEncoding('utf8');
  const readPlain = (data: string): void => parser.write(data);
  plain.on('data', readPlain);
  plain.write(header);
  await next(); // stream features
  plain.write("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
  if ((await next()).name !== 'proceed') throw new Error('STARTTLS refused');
  plain.off('data', readPlain);
  // A test server's self-signed certificate, on loopback.
  const secure: TLSSocket = await new Promise((resolve, reject) => {
    const socket = tlsConnect({ socket: plain, servername: server.domain, rejectUnauthorized: false }, () => resolve(socket));
    socket.once('error', reject);
  });
  restart();
  secure.setEncoding('utf8');
  secure.on('data', (data: string) => parser.write(data));
  const ask = async (iq: Element): Promise<Element> => {
    secure.write(iq.toString());
    return next();
  };
  secure.write(header);
  await next(); // stream features, now with registration
  const preauth = await ask(xml('iq', { type: 'set', id: 'preauth', to: server.domain }, xml('preauth', { xmlns: 'urn:xmpp:pars:0', token })));
  if (preauth.attrs.type !== 'result') throw new Error(`preauth refused: ${preauth.toString()}`);
  return {
    async register(username, password) {
      const reply = await ask(
        xml('iq', { type: 'set', id: 'register', to: server.domain }, xml('query', { xmlns: 'jabber:iq:register' }, xml('username', {}, username), xml('password', {}, password))),
      );
      if (reply.attrs.type === 'result') return { ok: true };
      const error = reply.getChild('error');
      const condition = error?.getChildElements().find((c) => c.name !== 'text')?.name ?? 'unknown';
      return { ok: false, stage: 'register', condition, text: error?.getChildText('text') ?? '' };
    },
    close() {
      secure.end('</stream:stream>');
      secure.destroy();
    },
  };
}

/** What the server says became of each account asked about: its JID as asked, and active, disabled or deleted. */
export async function accountStates(session: Session, jids: string[]): Promise<Record<string, string>> {
  const reply = await request(session, 'get', xml('accounts', { xmlns: NS.accounts }, ...jids.map((jid) => xml('account', { jid }))));
  const answered = reply.getChild('accounts', NS.accounts)?.getChildren('account') ?? [];
  return Object.fromEntries(answered.map((a) => [a.attrs.jid ?? '', a.attrs.state ?? '']));
}
