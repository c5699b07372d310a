import { SvelteMap } from 'svelte/reactivity';
import { forgetFrameOf } from './kept-frame';
import { keep, readKept, SHOWN_SERVER_KEY } from './window-storage';
import type {
  AccountState,
  AdminActivity,
  AdminApi,
  ConnectionStatus,
  JoinDecision,
  JoinDecisionRequest,
  JoinRequest,
  JoinRequestsChange,
  PolicyChange,
  Registration,
  RegistrationPolicy,
  RevealRequest,
  SavedProfile,
  ServerInfo,
  ServerProfile,
} from '../../../common/api';
import { AdminError, toAdminErrorShape, type AdminErrorShape } from '../../../common/errors';
import { JoinRequestBook } from '../../../common/join-requests';
import { SignupLog } from './signup-log.svelte';

/** What an account is after an admin's action on it (AdminActivity.kind). */
const ACCOUNT_STATES: Partial<Record<AdminActivity['kind'], AccountState>> = {
  'account-deleted': 'deleted',
  'account-disabled': 'disabled',
  'account-enabled': 'active',
};

/**
 * The UI's state: saved servers, each one's connection status and, when
 * online, what it offers. Fed by AdminApi calls and its events only.
 */
export class Desk {
  profiles = $state<SavedProfile[]>([]);
  readonly statuses = new SvelteMap<string, ConnectionStatus>();
  readonly infos = new SvelteMap<string, ServerInfo>();
  /** With mod_invite_desk: each server's registration policy, kept current by events. */
  readonly policies = new SvelteMap<string, RegistrationPolicy>();
  /** The last switch of each server's policy that the server told of live, with who and when. */
  readonly policyChanges = new SvelteMap<string, PolicyChange>();
  /** Each server's latest admin action told of live (mod_invite_desk): open screens show it and follow it. */
  readonly lastActivity = new SvelteMap<string, AdminActivity>();
  /** Each server's sign-ups, by server id; each log tells what reads it when it changes. */
  // One log per server for the window's lifetime: the map itself is never rendered.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private readonly logs = new Map<string, SignupLog>();
  private arriving: Registration[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  /** Sign-ups arriving before the history this window loads are held back, so that the history comes first. */
  private historyLoaded = false;
  /**
   * Whether the backend's unread counts have come (with the saved servers). A sign-up told of before that
   * answer is in those counts already; one told of after it is counted here, whether or not the history has it too.
   * The backend tells of a sign-up and counts it in the same step, and answers and events share one ordered channel.
   */
  private countsCame = false;
  /** Held-back sign-ups that came before the backend's counts: listed, but not counted again. */
  // Bookkeeping only, never rendered.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private readonly countedByBackend = new Set<string>();
  /** Each server's info being fetched, so that a status and the start do not ask twice. */
  // Bookkeeping only, never rendered.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private readonly refreshing = new Map<string, Promise<void>>();
  /** Sign-ups not yet seen in each server's feed. */
  readonly unread = new SvelteMap<string, number>();
  /**
   * What became of accounts that signed up, as `serverId\njid`: as the server
   * said when asked (or what Invite Desk did, where it cannot say), never only
   * what this window remembers doing.
   */
  readonly accounts = new SvelteMap<string, AccountState>();
  /** The server whose feed is on screen: its new sign-ups are read as they arrive. */
  viewingFeedOf: string | null = null;
  /** A sign-up to bring into view (its notification was clicked); the server's view takes it and clears it. */
  revealed = $state<RevealRequest | null>(null);
  /** With mod_invite_desk: each server's requests to join, newest first. */
  readonly joinRequests = new SvelteMap<string, JoinRequest[]>();
  /** After how many days each server rejects a request by itself, as it said. */
  readonly requestDays = new SvelteMap<string, number>();
  /** A server whose requests to show (their notification was clicked); its view takes it and clears it. */
  revealedRequests = $state<string | null>(null);
  // Bookkeeping behind joinRequests, never rendered.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private readonly books = new Map<string, JoinRequestBook>();
  #selectedId = $state<string | null>(null);
  /** The server shown in the main pane; null shows the form for a new one. Kept for the next start. */
  get selectedId(): string | null {
    return this.#selectedId;
  }
  set selectedId(id: string | null) {
    this.#selectedId = id;
    keep(SHOWN_SERVER_KEY, id);
  }
  loading = $state(true);
  loadError = $state<AdminErrorShape | null>(null);

  readonly api: AdminApi;

  /** Whether the window asks for the history itself once its first screen is painted (loadHistory), rather than at start. */
  private readonly historyAfterFirstScreen: boolean;
  private history: Promise<void> | null = null;

  constructor(api: AdminApi, { historyAfterFirstScreen = false }: { historyAfterFirstScreen?: boolean } = {}) {
    this.api = api;
    this.historyAfterFirstScreen = historyAfterFirstScreen;
  }

  get selectedProfile(): SavedProfile | undefined {
    return this.profiles.find((p) => p.id === this.selectedId);
  }

  private started: Promise<void> | null = null;

  /** Loads the saved servers and follows their events; once, however often it is asked. */
  start(): Promise<void> {
    this.started ??= this.load();
    return this.started;
  }

  private async load(): Promise<void> {
    this.api.on('connection-status', (status) => this.applyStatus(status));
    this.api.on('registration', (registration) => this.addRegistration(registration));
    this.api.on('policy', (change) => {
      this.policies.set(change.serverId, change.policy);
      if (change.by) this.policyChanges.set(change.serverId, change);
    });
    this.api.on('activity', (entry) => this.applyActivity(entry));
    this.api.on('join-requests', (change) => this.changeRequests(change.serverId, change));
    try {
      // The server shown last time is asked for beside the saved servers rather than after them: the first
      // screen waits one round trip less. If it is gone or offline, the answer is an error, and nothing is shown.
      const lastShown = readKept(SHOWN_SERVER_KEY);
      if (lastShown !== null) void this.refreshInfo(lastShown);
      const [profiles, statuses] = await Promise.all([
        // Marked as the answer arrives, before any event that came after it is handled.
        this.api.listProfiles().then((answer) => {
          this.countsCame = true;
          return answer;
        }),
        this.api.connectionStatuses(),
      ]);
      this.profiles = profiles;
      // Counted by the backend, so a reload or a restart keeps them.
      for (const profile of profiles) this.unread.set(profile.id, profile.unread);
      // A notification clicked while the window was loading has already chosen the server.
      this.selectedId ??= profiles.find((p) => p.id === lastShown)?.id ?? profiles[0]?.id ?? null;
      // A session may already be up (a reloaded window, or servers connected at start): each one's info is fetched.
      // A status event that came while these calls ran is newer than their answer: it stays.
      for (const status of statuses) if (!this.statuses.has(status.serverId)) this.applyStatus(status);
      // The first screen waits for the server it shows, and for nothing else.
      if (this.selectedId !== null) await this.refreshing.get(this.selectedId);
      this.loadError = null;
    } catch (error) {
      this.loadError = toAdminErrorShape(error);
    } finally {
      this.loading = false;
    }
    // Thousands of sign-ups can come with the history: they follow the first screen instead of holding it up.
    if (!this.historyAfterFirstScreen) await this.loadHistory();
  }

  /** A server's sign-ups, newest first. */
  signupsOf(serverId: string): SignupLog {
    let log = this.logs.get(serverId);
    if (!log) this.logs.set(serverId, (log = new SignupLog()));
    return log;
  }

  /** The sign-ups seen before this window opened: listed, but not counted as unread. */
  loadHistory(): Promise<void> {
    this.history ??= this.readHistory();
    return this.history;
  }

  private async readHistory(): Promise<void> {
    try {
      const history = await this.api.recentRegistrations();
      // Sign-ups told of live after the counts came are new to this window even when the history has them:
      // they are left to the live ones below, which count them.
      // A lookup for this loop, never rendered.
      // eslint-disable-next-line svelte/prefer-svelte-reactivity
      const live = new Set(this.arriving.filter((r) => !this.countedByBackend.has(r.id)).map((r) => r.id));
      for (const [serverId, registrations] of byServer(history)) this.signupsOf(serverId).add(live.size === 0 ? registrations : registrations.filter((r) => !live.has(r.id)));
    } catch {
      // Without the history the window still shows every sign-up from now on.
    } finally {
      this.historyLoaded = true;
      if (this.arriving.length > 0) this.flushRegistrations();
    }
  }

  /** Signs in (with the saved sign-in when no password is given); on failure throws an AdminError for the form to show. */
  async connect(profile: ServerProfile, password?: string): Promise<ServerInfo> {
    try {
      const info = await this.api.connect(password === undefined ? { profile } : { profile, password });
      this.show(info);
      this.profiles = await this.api.listProfiles();
      this.selectedId = profile.id;
      return info;
    } catch (error) {
      throw AdminError.from(toAdminErrorShape(error));
    }
  }

  async disconnect(serverId: string): Promise<void> {
    forgetFrameOf(serverId);
    await this.api.disconnect(serverId);
  }

  async remove(serverId: string): Promise<void> {
    forgetFrameOf(serverId);
    await this.api.removeProfile(serverId);
    // Nothing of a removed server stays: not in the list, the title's count, the feed, or its policy.
    this.profiles = this.profiles.filter((p) => p.id !== serverId);
    this.statuses.delete(serverId);
    this.infos.delete(serverId);
    this.unread.delete(serverId);
    this.policies.delete(serverId);
    this.policyChanges.delete(serverId);
    this.lastActivity.delete(serverId);
    for (const key of [...this.accounts.keys()]) if (key.startsWith(`${serverId}\n`)) this.accounts.delete(key);
    this.logs.delete(serverId);
    this.joinRequests.delete(serverId);
    this.books.delete(serverId);
    this.selectedId = this.profiles[0]?.id ?? null;
  }

  async setConnectAtStart(serverId: string, connectAtStart: boolean): Promise<void> {
    await this.api.setConnectAtStart({ serverId, connectAtStart });
    this.profiles = this.profiles.map((p) => (p.id === serverId ? { ...p, connectAtStart } : p));
  }

  /** An admin's action, told live: open screens follow it, and the feed shows what became of the accounts. */
  private applyActivity(entry: AdminActivity): void {
    this.lastActivity.set(entry.serverId, entry);
    const state = ACCOUNT_STATES[entry.kind];
    if (state) for (const jid of entry.accounts) this.accounts.set(`${entry.serverId}\n${jid}`, state);
  }

  async setPolicy(serverId: string, policy: RegistrationPolicy): Promise<void> {
    await this.api.setPolicy({ serverId, policy });
    this.policies.set(serverId, policy);
  }

  /** Sign-ups not yet seen, over all servers: the number on the app's badge. */
  get totalUnread(): number {
    let total = 0;
    for (const count of this.unread.values()) total += count;
    return total;
  }

  reveal(request: RevealRequest): void {
    this.selectedId = request.serverId;
    this.revealed = request;
  }

  revealRequests(serverId: string): void {
    this.selectedId = serverId;
    this.revealedRequests = serverId;
  }

  markFeedRead(serverId: string): void {
    this.unread.set(serverId, 0);
    void this.api.markSignupsRead(serverId).catch(() => undefined);
  }

  /** Asks the server again what it offers, over the session it has (after the admin loaded a module). */
  async recheck(serverId: string): Promise<ServerInfo> {
    const info = await this.api.recheckServer(serverId);
    this.show(info);
    return info;
  }

  hasModule(serverId: string): boolean {
    return this.infos.get(serverId)?.capabilities.some((c) => c.id === 'invite-desk' && c.state === 'available') === true;
  }

  private addRegistration(registration: Registration): void {
    this.arriving.push(registration);
    if (!this.countsCame) this.countedByBackend.add(registration.id);
    // Gather a burst (a catch-up sends them one by one) and update the screen once for all of it.
    if (this.historyLoaded) this.flushTimer ??= setTimeout(() => this.flushRegistrations(), 50);
  }

  /** Adds what arrived to each server's log: the cost is the burst's, whatever the logs hold. */
  private flushRegistrations(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const batch = this.arriving;
    this.arriving = [];
    for (const [serverId, arrived] of byServer(batch)) {
      const added = this.signupsOf(serverId)
        .add(arrived)
        .filter((r) => !this.countedByBackend.has(r.id)).length;
      if (added === 0) continue;
      // The backend counted them too: those that arrived in the feed on screen are read already.
      if (this.viewingFeedOf === serverId) this.markFeedRead(serverId);
      else this.unread.set(serverId, (this.unread.get(serverId) ?? 0) + added);
    }
    // Only the first batch can hold them: nothing is added to this once the counts have come.
    this.countedByBackend.clear();
  }

  /** Whether the server's module holds sign-ups for approval (a module older than that does not). */
  hasJoinRequests(serverId: string): boolean {
    return this.infos.get(serverId)?.commands.some((c) => c.node === 'urn:x-invite-desk:requests:0#list') === true;
  }

  /** Asks the server again which requests to join wait; changes pushed meanwhile still count. */
  async refreshRequests(serverId: string): Promise<void> {
    const book = this.bookOf(serverId);
    book.listing();
    try {
      const { requests, expireDays } = await this.api.listJoinRequests(serverId);
      this.changeRequests(serverId, { list: requests });
      if (expireDays !== undefined) this.requestDays.set(serverId, expireDays);
    } catch (error) {
      book.abandonListing();
      throw error;
    }
  }

  /** Approves or rejects requests; those decided leave the list at once. */
  async decideRequests(verdict: 'approve' | 'reject', request: JoinDecisionRequest): Promise<JoinDecision> {
    const decision = await (verdict === 'approve' ? this.api.approveJoinRequests(request) : this.api.rejectJoinRequests(request));
    this.changeRequests(request.serverId, { removed: decision.decided });
    return decision;
  }

  private bookOf(serverId: string): JoinRequestBook {
    let book = this.books.get(serverId);
    if (!book) this.books.set(serverId, (book = new JoinRequestBook()));
    return book;
  }

  private changeRequests(serverId: string, change: Pick<JoinRequestsChange, 'list' | 'added' | 'removed'>): void {
    const book = this.bookOf(serverId);
    book.apply(change);
    this.joinRequests.set(serverId, book.list());
  }

  /** What a server offers, and with mod_invite_desk its policy and the requests to join that wait. */
  /**
   * Shows a server at once; its policy, a round trip to the server, fills in when it comes (the switch says it is
   * reading it meanwhile), so the first screen waits for nothing the server must answer.
   */
  private show(info: ServerInfo): void {
    this.infos.set(info.serverId, info);
    if (this.hasJoinRequests(info.serverId)) void this.refreshRequests(info.serverId).catch(() => undefined);
    if (this.hasModule(info.serverId)) void this.readPolicy(info.serverId);
  }

  private async readPolicy(serverId: string): Promise<void> {
    const before = this.policies.get(serverId);
    try {
      const policy = await this.api.getPolicy(serverId);
      // A change pushed while the answer travelled is newer: it stays.
      if (this.policies.get(serverId) === before) this.policies.set(serverId, policy);
    } catch {
      // The switch stays unset and disabled; the next connection reads it again.
    }
  }

  private refreshInfo(serverId: string): Promise<void> {
    let refresh = this.refreshing.get(serverId);
    if (!refresh) {
      refresh = this.api
        .serverInfo(serverId)
        .then((info) => this.show(info))
        .catch(() => {
          this.infos.delete(serverId);
        })
        .finally(() => this.refreshing.delete(serverId));
      this.refreshing.set(serverId, refresh);
    }
    return refresh;
  }

  private applyStatus(status: ConnectionStatus): void {
    const before = this.statuses.get(status.serverId)?.state;
    this.statuses.set(status.serverId, status);
    // The server refused the saved sign-in, and the backend forgot it: from now on this server needs its password.
    if (status.code === 'password-required') this.profiles = this.profiles.map((p) => (p.id === status.serverId ? { ...p, hasSavedCredentials: false } : p));
    // While it reconnects, the last view stays on screen (read-only); once the session is over, the sign-in form comes back.
    if (status.state === 'offline' || status.state === 'connecting') this.infos.delete(status.serverId);
    // Back after a drop: the server may have changed while the session was away.
    else if (status.state === 'online' && (before === 'reconnecting' || !this.infos.has(status.serverId))) void this.refreshInfo(status.serverId);
  }

  /** Whether the server's view shows data kept from before its connection dropped. */
  isReconnecting(serverId: string): boolean {
    return this.statuses.get(serverId)?.state === 'reconnecting';
  }
}

/** Sign-ups grouped by server, each group in the order they came. */
function byServer(registrations: readonly Registration[]): Map<string, Registration[]> {
  // A local grouping, never rendered.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  const groups = new Map<string, Registration[]>();
  for (const registration of registrations) {
    const group = groups.get(registration.serverId);
    if (group) group.push(registration);
    else groups.set(registration.serverId, [registration]);
  }
  return groups;
}
