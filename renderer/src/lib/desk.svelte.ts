import { SvelteMap, SvelteSet } from 'svelte/reactivity';
import type {
  AdminApi,
  ConnectionStatus,
  JoinDecision,
  JoinDecisionRequest,
  JoinRequest,
  JoinRequestsChange,
  Registration,
  RegistrationPolicy,
  RevealRequest,
  SavedProfile,
  ServerInfo,
  ServerProfile,
} from '../../../common/api';
import { AdminError, toAdminErrorShape, type AdminErrorShape } from '../../../common/errors';
import { JoinRequestBook } from '../../../common/join-requests';
import { newestFirst } from './newest-first';

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
  /** Sign-ups of every server, newest first. Replaced whole, never mutated: catch-up can bring thousands. */
  registrations = $state.raw<Registration[]>([]);
  // Bookkeeping only, never rendered: no reactivity wanted.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private readonly known = new Set<string>();
  private arriving: Registration[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  /** Sign-ups not yet seen in each server's feed. */
  readonly unread = new SvelteMap<string, number>();
  /** Accounts deleted from this window, as `serverId\njid`: the feed marks them and offers nothing more for them. */
  readonly deleted = new SvelteSet<string>();
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
  /** The server shown in the main pane; null shows the form for a new one. */
  selectedId = $state<string | null>(null);
  loading = $state(true);
  loadError = $state<AdminErrorShape | null>(null);

  readonly api: AdminApi;

  constructor(api: AdminApi) {
    this.api = api;
  }

  get selectedProfile(): SavedProfile | undefined {
    return this.profiles.find((p) => p.id === this.selectedId);
  }

  async start(): Promise<void> {
    this.api.on('connection-status', (status) => this.applyStatus(status));
    this.api.on('registration', (registration) => this.addRegistration(registration));
    this.api.on('policy', (change) => this.policies.set(change.serverId, change.policy));
    this.api.on('join-requests', (change) => this.changeRequests(change.serverId, change));
    try {
      const [profiles, statuses, recent] = await Promise.all([this.api.listProfiles(), this.api.connectionStatuses(), this.api.recentRegistrations()]);
      // Seen before this window opened: listed, but not counted as unread.
      for (const registration of recent) this.known.add(`${registration.serverId}\n${registration.id}`);
      this.registrations = newestFirst(recent, []);
      this.profiles = profiles;
      // Counted by the backend, so a reload or a restart keeps them.
      for (const profile of profiles) this.unread.set(profile.id, profile.unread);
      for (const status of statuses) this.applyStatus(status);
      // A session may already be up (a reloaded window, or the demo connected before the UI opened).
      await Promise.all(statuses.filter((s) => s.state === 'online').map((s) => this.refreshInfo(s.serverId)));
      // A notification clicked while the window was loading has already chosen the server.
      this.selectedId ??= profiles[0]?.id ?? null;
      this.loadError = null;
    } catch (error) {
      this.loadError = toAdminErrorShape(error);
    } finally {
      this.loading = false;
    }
  }

  /** Signs in (with the saved sign-in when no password is given); on failure throws an AdminError for the form to show. */
  async connect(profile: ServerProfile, password?: string): Promise<ServerInfo> {
    try {
      const info = await this.api.connect(password === undefined ? { profile } : { profile, password });
      await this.show(info);
      this.profiles = await this.api.listProfiles();
      this.selectedId = profile.id;
      return info;
    } catch (error) {
      throw AdminError.from(toAdminErrorShape(error));
    }
  }

  async disconnect(serverId: string): Promise<void> {
    await this.api.disconnect(serverId);
  }

  async remove(serverId: string): Promise<void> {
    await this.api.removeProfile(serverId);
    // Nothing of a removed server stays: not in the list, the title's count, the feed, or its policy.
    this.profiles = this.profiles.filter((p) => p.id !== serverId);
    this.statuses.delete(serverId);
    this.infos.delete(serverId);
    this.unread.delete(serverId);
    this.policies.delete(serverId);
    this.joinRequests.delete(serverId);
    this.books.delete(serverId);
    this.registrations = this.registrations.filter((r) => r.serverId !== serverId);
    this.selectedId = this.profiles[0]?.id ?? null;
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
    await this.show(info);
    return info;
  }

  hasModule(serverId: string): boolean {
    return this.infos.get(serverId)?.capabilities.some((c) => c.id === 'invite-desk' && c.state === 'available') === true;
  }

  private addRegistration(registration: Registration): void {
    const key = `${registration.serverId}\n${registration.id}`;
    if (this.known.has(key)) return;
    this.known.add(key);
    this.arriving.push(registration);
    // Gather a burst (a catch-up sends them one by one) and update the screen once for all of it.
    this.flushTimer ??= setTimeout(() => this.flushRegistrations(), 50);
  }

  private flushRegistrations(): void {
    this.flushTimer = null;
    const batch = this.arriving;
    this.arriving = [];
    this.registrations = newestFirst(batch, this.registrations);
    for (const r of batch) {
      if (this.viewingFeedOf !== r.serverId) this.unread.set(r.serverId, (this.unread.get(r.serverId) ?? 0) + 1);
    }
    // The backend counted them too: those that arrived in the feed on screen are read already.
    if (this.viewingFeedOf !== null && batch.some((r) => r.serverId === this.viewingFeedOf)) this.markFeedRead(this.viewingFeedOf);
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
  private async show(info: ServerInfo): Promise<void> {
    this.infos.set(info.serverId, info);
    if (this.hasJoinRequests(info.serverId)) void this.refreshRequests(info.serverId).catch(() => undefined);
    if (this.hasModule(info.serverId)) this.policies.set(info.serverId, await this.api.getPolicy(info.serverId));
  }

  private async refreshInfo(serverId: string): Promise<void> {
    try {
      await this.show(await this.api.serverInfo(serverId));
    } catch {
      this.infos.delete(serverId);
    }
  }

  private applyStatus(status: ConnectionStatus): void {
    const before = this.statuses.get(status.serverId)?.state;
    this.statuses.set(status.serverId, status);
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
