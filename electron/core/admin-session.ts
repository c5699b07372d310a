import { randomBytes } from 'node:crypto';
import xml, { type Element } from '@xmpp/xml';
import type {
  ConnectionState,
  ConnectionStatus,
  JoinRequestList,
  JoinRequestsChange,
  AdminActivity,
  PolicyChange,
  Registration,
  RegistrationPolicy,
  ServerInfo,
  ServerProfile,
} from '../../common/api';
import { JoinRequestBook } from '../../common/join-requests';
import { parseAccountJid, resolveServerAddress } from '../../common/address';
import { AdminError } from '../../common/errors';
import { retryDelay } from './backoff';
import { describeConnectError, stanzaTooLarge } from './error-messages';
import { StanzaTooLargeError } from './xmpp/guarded-stream';
import { logUnexpected } from './diagnostics/error-log';
import type { SessionContext } from './features/context';
import { explainNotAdmin } from './features/admin-rights';
import { probeServer } from './features/probe';
import { hasModule, historyGapNotice, readModuleMessage, subscribeEvents, type ModuleUpdate } from './features/invite-desk';
import { hasJoinRequests, listJoinRequests, readRequestsMessage } from './features/join-requests';
import { DEFAULT_REGISTRATION_TEMPLATE, readRegistrationMessage, RecentIds, registrationMatcher } from './features/signups';
import { createXmppClient, destroyConnection, startClient, type XmppClient } from './xmpp/client';
import { signInMethodOf } from './xmpp/sasl';
import { lookupServer } from './xmpp/srv';
import type { SaltedCredentials, ScramSecret } from './xmpp/scram-client';

export interface SessionTimeouts {
  /** From dialling to a bound, probed session. */
  connectMs: number;
  /** For each iq once the session is up. */
  requestMs: number;
  /** How often an idle session checks that the server still answers. */
  keepAliveMs: number;
}

export const DEFAULT_TIMEOUTS: SessionTimeouts = { connectMs: 20_000, requestMs: 15_000, keepAliveMs: 60_000 };

/**
 * Above any priority a phone or desktop client picks by default, so that
 * Prosody, which sends sign-up notices to an admin's top-priority resources,
 * always includes this session.
 */
export const PRESENCE_PRIORITY = 127;

type Subscription = Awaited<ReturnType<typeof subscribeEvents>>;

/**
 * What outlives one session to a server: where sign-up catch-up resumes, and
 * which sign-ups were already reported, so a reconnect repeats none.
 */
export class SessionMemory {
  /** The last sign-up event seen from mod_invite_desk. */
  cursor: string | undefined;
  readonly seen = new RecentIds();

  constructor(cursor?: string) {
    this.cursor = cursor;
  }
}

export interface SessionEvents {
  status(status: ConnectionStatus): void;
  registration(registration: Registration): void;
  policy(change: PolicyChange): void;
  /** An admin acted on the server (mod_invite_desk's activity log). */
  activity(entry: AdminActivity): void;
  /** The server's requests to join changed (mod_invite_desk). */
  requests(change: Omit<JoinRequestsChange, 'unseen'>): void;
  /** New salted keys after a sign-in with the password. */
  credentials(credentials: SaltedCredentials): void;
}

/**
 * The session's life: offline → connecting → online, and from online through
 * reconnecting (as many attempts as it takes) back to online. Any state ends
 * in offline when the admin disconnects or a failure needs the admin to act.
 */
const STATE_TRANSITIONS: Record<ConnectionState, readonly ConnectionState[]> = {
  offline: ['connecting'],
  connecting: ['online', 'offline'],
  online: ['reconnecting', 'offline'],
  reconnecting: ['reconnecting', 'online', 'offline'],
};

/** Failures that retrying cannot fix: the admin has to act. */
const FINAL_CODES = new Set(['auth-failed', 'password-required', 'not-admin', 'tls-untrusted', 'invalid-input']);

/**
 * One admin session to one server: sign in, prove the account is an admin of
 * the host, probe the server, stay online (reconnecting with backoff after a
 * drop), and report sign-up notices.
 */
export class AdminSession {
  readonly profile: ServerProfile;
  private secret: ScramSecret;
  private readonly timeouts: SessionTimeouts;
  private readonly events: SessionEvents;
  private readonly memory: SessionMemory;
  private client: XmppClient | null = null;
  /** The admin wants this session up: set by open(), cleared by close() or a final failure. */
  private wanted = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private keepAliveTimer: NodeJS.Timeout | null = null;
  private status_: ConnectionStatus;
  /** With mod_invite_desk, its events replace mod_watchregistrations' notices: one sign-up, shown once. */
  private moduleEvents = false;
  info: ServerInfo | null = null;
  policy: RegistrationPolicy | null = null;
  /** The requests to join waiting on the server, kept in step with what it pushes. */
  readonly requests = new JoinRequestBook();

  constructor(profile: ServerProfile, secret: ScramSecret, events: SessionEvents, timeouts: SessionTimeouts, memory = new SessionMemory()) {
    this.profile = profile;
    this.memory = memory;
    this.secret = secret;
    this.events = events;
    this.timeouts = timeouts;
    this.status_ = { serverId: profile.id, state: 'offline' };
  }

  get state(): ConnectionState {
    return this.status_.state;
  }

  get status(): ConnectionStatus {
    return this.status_;
  }

  /** First sign-in: fails with the reason instead of retrying. */
  async open(): Promise<ServerInfo> {
    this.wanted = true;
    this.setStatus({ state: 'connecting' });
    try {
      return await this.attempt();
    } catch (error) {
      this.wanted = false;
      const failure = error instanceof AdminError ? error : new AdminError('server-error', `Connecting failed.${logUnexpected('connecting', error)}`);
      // close() during the sign-in has already said so.
      if (this.state !== 'offline') this.setStatus({ state: 'offline', reason: failure.message, code: failure.code });
      throw failure;
    }
  }

  /** A deliberate disconnect: ends the session and every pending retry. */
  async close(reason = 'Disconnected.'): Promise<void> {
    this.wanted = false;
    this.clearTimers();
    await this.dropClient();
    this.info = null;
    if (this.state !== 'offline') this.setStatus({ state: 'offline', reason });
  }

  /** What features need to run commands; throws when the session is not online. */
  context(): SessionContext {
    const client = this.client;
    const info = this.info;
    if (!client || !info || this.state !== 'online') {
      throw new AdminError('not-connected', 'This server is not connected right now. Connect to it, or wait until it is back online.');
    }
    return {
      serverId: this.profile.id,
      account: info.account.split('/')[0] ?? info.account,
      domain: info.domain,
      iq: client.iqCaller,
      timeoutMs: this.timeouts.requestMs,
      commands: new Set(info.commands.map((c) => c.node)),
    };
  }

  private async attempt(): Promise<ServerInfo> {
    const jid = parseAccountJid(this.profile.jid);
    if (!jid) throw new AdminError('invalid-input', `"${this.profile.jid}" is not an account address. Enter it as name@example.org.`);
    const chosen = this.profile.directTls === true;
    // A typed address wins, with the form's choice of TLS; otherwise the domain's SRV records say where to go, and how.
    const typed = this.profile.address?.trim() ? resolveServerAddress(jid, this.profile.address) : undefined;
    const address = typed === undefined ? await lookupServer(jid.domain, chosen) : typed && { ...typed, directTls: chosen };
    if (!address) throw new AdminError('invalid-input', `"${this.profile.address ?? ''}" is not a server address. Enter it as host or host:port.`);
    const context = { account: `${jid.local}@${jid.domain}`, domain: jid.domain, address: `${address.host}:${address.port}`, directTls: address.directTls };

    const client = createXmppClient({
      host: address.host,
      port: address.port,
      directTls: address.directTls,
      domain: jid.domain,
      username: jid.local,
      secret: this.secret,
      // Keep only the salted keys from now on: retries never need the password.
      onSaltedCredentials: (credentials) => {
        this.secret = { salted: credentials };
        this.events.credentials(credentials);
      },
      resource: `invite-desk-${randomBytes(4).toString('hex')}`,
      trustedFingerprint: this.profile.trustedFingerprint,
      streamTimeoutMs: this.timeouts.requestMs,
    });
    this.client = client;
    // xmpp.js requires an error listener; failures reach us through start() or the status events,
    // but for a stanza past the size limit, which then explains the drop.
    let tooLarge = false;
    client.entity.on('error', (error: Error) => {
      if (error instanceof StanzaTooLargeError) tooLarge = true;
    });
    const matcher = registrationMatcher(this.profile.registrationTemplate ?? DEFAULT_REGISTRATION_TEMPLATE, jid.domain);
    client.entity.on('stanza', (stanza: Element) => {
      if (this.moduleEvents) {
        const update = readModuleMessage(stanza, this.profile.id, jid.domain);
        if (update) this.apply(update);
        const requests = update ? null : readRequestsMessage(stanza, this.profile.id, jid.domain);
        if (requests) this.changeRequests(requests);
        return;
      }
      const registration = readRegistrationMessage(stanza, this.profile.id, jid.domain, matcher, new Date());
      if (registration && this.memory.seen.add(registration.id)) this.events.registration(registration);
    });

    try {
      await withDeadline(startClient(client), this.timeouts.connectMs, () => new AdminError('timeout', `${context.address} did not finish signing in within ${Math.round(this.timeouts.connectMs / 1000)} s. Check the address, and that Prosody is running.`));
      const account = client.entity.jid?.toString() ?? context.account;
      // The subscription goes out with the probe, before knowing the module is there: one round trip for both.
      const subscription = this.subscribe(client, jid.domain);
      subscription.catch(() => undefined);
      const info = await probeServer(client.iqCaller, this.profile.id, account, jid.domain, this.timeouts.requestMs).catch((error: unknown) =>
        explainNotAdmin(error, client.iqCaller, account, jid.domain, this.timeouts.requestMs),
      );
      const signIn = signInMethodOf(client.entity);
      if (signIn) info.signIn = signIn;
      const gap = await this.followModule(client, jid.domain, info, subscription);
      // Presence last: it makes the server deliver what was stored while the app was away.
      await client.entity.send(xml('presence', {}, xml('priority', {}, String(PRESENCE_PRIORITY))));
      if (this.client !== client) throw new AdminError('not-connected', 'The connection was closed while signing in.');
      this.info = info;
      client.entity.on('status', (status: string) => {
        if (status !== 'disconnect' || this.client !== client) return;
        this.onDrop(tooLarge ? stanzaTooLarge(context.address).message : `The connection to ${jid.domain} was lost.`);
      });
      this.startKeepAlive(client, jid.domain);
      // Online, but some sign-ups were missed for good: the admin should know.
      this.setStatus(gap ? { state: 'online', reason: historyGapNotice(jid.domain) } : { state: 'online' });
      this.catchUpRequests();
      return info;
    } catch (error) {
      // close() during the sign-in dropped this client: that, not what the dying socket said, is the reason.
      const closedMeanwhile = this.client !== client;
      await this.dropClient(false);
      if (closedMeanwhile) throw new AdminError('not-connected', 'The connection was closed while signing in.');
      throw describeConnectError(error, context);
    }
  }

  /**
   * Probes the server again over the open session, so a module the admin has
   * just loaded shows up without a reconnect. With mod_invite_desk newly there,
   * its events take over from the sign-up notices from here on.
   */
  async recheck(): Promise<ServerInfo> {
    const { domain } = this.context();
    const client = this.client as XmppClient;
    const previous = this.info as ServerInfo;
    const subscription = this.moduleEvents ? null : this.subscribe(client, domain);
    subscription?.catch(() => undefined);
    const probed = await probeServer(client.iqCaller, this.profile.id, previous.account, domain, this.timeouts.requestMs);
    if (this.client !== client) throw new AdminError('not-connected', 'The connection was lost while checking the server again. Invite Desk reconnects by itself.');
    // What the session learnt at sign-in (how it signed in) still holds.
    const info: ServerInfo = { ...previous, ...probed };
    await this.followModule(client, domain, info, subscription);
    this.info = info;
    this.catchUpRequests();
    return info;
  }

  /**
   * Asks the server for every request to join that waits, and replaces what
   * the session knew with it; changes pushed meanwhile still count.
   */
  async refreshRequests(): Promise<JoinRequestList> {
    const ctx = this.context();
    this.requests.listing();
    let list: JoinRequestList;
    try {
      list = await listJoinRequests(ctx);
    } catch (error) {
      this.requests.abandonListing();
      throw error;
    }
    this.changeRequests({ list: list.requests });
    return { ...list, requests: this.requests.list() };
  }

  /** Accounts a decision settled, in case the server's own notice of it never comes. */
  settleRequests(jids: readonly string[]): void {
    if (jids.some((jid) => this.requests.has(jid))) this.changeRequests({ removed: [...jids] });
  }

  /** With the module's requests to join, lists them once online: those made while the app was away come in here. */
  private catchUpRequests(): void {
    if (!this.info || !hasJoinRequests(new Set(this.info.commands.map((c) => c.node)))) return;
    this.refreshRequests().catch((error: unknown) => logUnexpected('listing the requests to join', error));
  }

  private changeRequests(change: Pick<JoinRequestsChange, 'list' | 'added' | 'removed'>): void {
    this.requests.apply(change);
    this.events.requests({ serverId: this.profile.id, domain: this.info?.domain ?? this.profile.jid.slice(this.profile.jid.lastIndexOf('@') + 1), ...change });
  }

  /** Subscribes to mod_invite_desk's events; a server that answers has the module, so its events count from the answer on. */
  private async subscribe(client: XmppClient, domain: string): Promise<Subscription> {
    const update = await subscribeEvents(client.iqCaller, this.profile.id, domain, this.memory.cursor, this.timeouts.requestMs);
    if (this.client === client) this.moduleEvents = true;
    return update;
  }

  /**
   * With mod_invite_desk, follow its events, catching up on what was missed:
   * `first` is the subscription already sent, or null when this connection
   * is subscribed already. True when the server's history no longer reached
   * back to the cursor.
   */
  private async followModule(client: XmppClient, domain: string, info: ServerInfo, first: Promise<Subscription> | null): Promise<boolean> {
    this.moduleEvents = hasModule(new Set(info.commands.map((c) => c.node)));
    if (!this.moduleEvents || !first) return false;
    // Subscribing returns what was missed since the cursor; repeat while the server says there is more.
    let update = await first;
    const gap = update.gap;
    this.apply(update);
    while (!update.complete && update.registrations.length > 0) {
      update = await subscribeEvents(client.iqCaller, this.profile.id, domain, this.memory.cursor, this.timeouts.requestMs);
      this.apply(update);
    }
    return gap;
  }

  private apply(update: ModuleUpdate): void {
    for (const registration of update.registrations) {
      this.memory.cursor = registration.id;
      if (this.memory.seen.add(registration.id)) this.events.registration(registration);
    }
    if (update.policy !== undefined && update.policy !== this.policy) {
      this.policy = update.policy;
      const change: PolicyChange = { serverId: this.profile.id, policy: update.policy };
      if (update.by) change.by = update.by;
      if (update.time) change.time = update.time;
      this.events.policy(change);
    }
    if (update.activity) this.events.activity(update.activity);
  }

  private onDrop(reason: string): void {
    if (!this.wanted) return;
    void this.dropClient();
    this.info = null;
    this.scheduleRetry(1, reason);
  }

  private scheduleRetry(attempt: number, reason: string): void {
    const delay = retryDelay(attempt);
    this.setStatus({ state: 'reconnecting', reason, attempt, retryInMs: delay });
    this.clearTimers();
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.wanted) return;
      this.attempt().catch((error: unknown) => {
        if (!this.wanted) return;
        const failure = error instanceof AdminError ? error : new AdminError('server-error', `Reconnecting failed.${logUnexpected('reconnecting', error)}`);
        if (FINAL_CODES.has(failure.code)) {
          this.wanted = false;
          this.setStatus({ state: 'offline', reason: failure.message, code: failure.code });
        } else {
          this.scheduleRetry(attempt + 1, failure.message);
        }
      });
    }, delay);
  }

  /** A socket can die without closing (a laptop asleep, a NAT timeout): ping, and treat silence as a drop. */
  private startKeepAlive(client: XmppClient, domain: string): void {
    if (this.keepAliveTimer) clearInterval(this.keepAliveTimer);
    this.keepAliveTimer = setInterval(() => {
      client.iqCaller
        .request(xml('iq', { type: 'get', to: domain }, xml('ping', { xmlns: 'urn:xmpp:ping' })), this.timeouts.requestMs)
        .catch((error: unknown) => {
          // An error reply still proves the server is there; only silence counts.
          if ((error as { name?: string }).name === 'TimeoutError' && this.client === client) this.onDrop(`${domain} stopped answering.`);
        });
    }, this.timeouts.keepAliveMs);
    this.keepAliveTimer.unref();
  }

  private clearTimers(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.keepAliveTimer) clearInterval(this.keepAliveTimer);
    this.retryTimer = null;
    this.keepAliveTimer = null;
  }

  /** Ends the current connection: politely when it was working, at once when it failed to come up. */
  private async dropClient(polite = true): Promise<void> {
    const client = this.client;
    this.client = null;
    if (!client) return;
    if (!polite) {
      destroyConnection(client);
      return;
    }
    try {
      await withDeadline(client.entity.stop(), 3_000, () => new Error('stop timed out'));
    } catch {
      // The stream could not close politely; drop the socket so nothing lingers.
      destroyConnection(client);
    }
  }

  private setStatus(status: Omit<ConnectionStatus, 'serverId'>): void {
    if (!STATE_TRANSITIONS[this.status_.state].includes(status.state)) {
      throw new Error(`A session may not go from ${this.status_.state} to ${status.state}.`);
    }
    this.status_ = { serverId: this.profile.id, ...status };
    this.events.status(this.status_);
  }
}

function withDeadline<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
