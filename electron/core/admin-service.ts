import type {
  AccountRequest,
  AdminApi,
  AdminEvents,
  ConnectionStatus,
  ConnectRequest,
  CreateInvitesRequest,
  HostInfo,
  Invite,
  InvitePage,
  ListInvitesRequest,
  PdfRequest,
  Preferences,
  PrintKitText,
  RegistrationPolicy,
  Registration,
  RevealRequest,
  SavedProfile,
  ServerInfo,
  ServerProfile,
} from '../../common/api';
import { AdminError } from '../../common/errors';
import { createEventHub } from '../../common/event-hub';
import { AdminSession, DEFAULT_TIMEOUTS, SessionMemory, type SessionTimeouts } from './admin-session';
import { createStockRequest } from './features/invites';
import { createModuleInvites, hasModule, listLedger, purgeExpired, readPolicy, revokeLedger, writePolicy } from './features/invite-desk';
import { runUserAction, type UserAction } from './features/user-actions';
import { sourceTreeVersion } from './app-version';
import { browserShell, type HostShell } from './host-shell';
import type { CredentialStore } from './settings/credential-store';
import type { Settings } from './settings/settings-document';
import { openNodeSettings, type SettingsStore } from './settings/settings-store';

const RECENT_LIMIT = 10_000;

export interface AdminServiceOptions {
  settings: SettingsStore;
  credentials: CredentialStore;
  shell: HostShell;
  timeouts?: Partial<SessionTimeouts>;
}

/**
 * The backend behind `AdminApi`: one admin session per server, all open at
 * once. Plain Node; both hosts (Electron and the browser preview) wrap it.
 */
export class AdminService implements AdminApi {
  private readonly sessions = new Map<string, AdminSession>();
  private readonly memories = new Map<string, SessionMemory>();
  /** The latest sign-ups, so a window opened (or reloaded) later still shows them. */
  private readonly recent: Registration[] = [];
  private readonly events = createEventHub<AdminEvents>();
  private readonly settings: SettingsStore;
  private readonly credentials: CredentialStore;
  private readonly shell: HostShell;
  private readonly timeouts: SessionTimeouts;

  constructor(options: AdminServiceOptions) {
    this.settings = options.settings;
    this.credentials = options.credentials;
    this.shell = options.shell;
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  }

  on: AdminApi['on'] = (event, listener) => this.events.on(event, listener);

  async listProfiles(): Promise<SavedProfile[]> {
    const { profiles } = this.settings.read();
    return Promise.all(profiles.map(async (p) => ({ ...p, hasSavedCredentials: (await this.credentials.get(p.id)) !== undefined })));
  }

  async removeProfile(serverId: string): Promise<void> {
    await this.disconnect(serverId);
    this.sessions.delete(serverId);
    this.memories.delete(serverId);
    await this.credentials.delete(serverId);
    this.settings.update((settings) => {
      settings.profiles = settings.profiles.filter((p) => p.id !== serverId);
      settings.printKits = Object.fromEntries(Object.entries(settings.printKits).filter(([id]) => id !== serverId));
    });
  }

  saveProfile(profile: ServerProfile): Promise<void> {
    return this.changeSavedServer(profile.id, (settings, index) => {
      settings.profiles[index] = profile;
    });
  }

  async connect({ profile, password }: ConnectRequest): Promise<ServerInfo> {
    const saved = password === undefined ? await this.credentials.get(profile.id) : undefined;
    if (password === undefined && saved === undefined) {
      throw new AdminError('password-required', `Enter the password for ${profile.jid}: Invite Desk has no saved sign-in for it.`);
    }
    const previous = this.sessions.get(profile.id);
    if (previous) await previous.close('Reconnecting with new settings.');
    const secret = password === undefined ? { salted: saved as NonNullable<typeof saved> } : { password };
    let savingCredentials: Promise<void> = Promise.resolve();
    const session = new AdminSession(
      profile,
      secret,
      {
        status: (status) => this.events.emit('connection-status', status),
        registration: (registration) => {
          this.recent.push(registration);
          if (this.recent.length > RECENT_LIMIT) this.recent.splice(0, this.recent.length - RECENT_LIMIT);
          this.events.emit('registration', registration);
        },
        policy: (change) => this.events.emit('policy', change),
        credentials: (credentials) => {
          // A failed write only means the password is asked for next time.
          savingCredentials = this.credentials.set(profile.id, credentials).catch(() => undefined);
        },
      },
      this.timeouts,
      this.memoryOf(profile.id),
    );
    this.sessions.set(profile.id, session);
    try {
      const info = await session.open();
      // Listed as saved from the moment connect() returns.
      await savingCredentials;
      // Saved only once the server accepted it, so a typo never becomes a profile.
      this.storeProfile(profile);
      return info;
    } catch (error) {
      // A sign-in can succeed before the session fails (e.g. not an admin): let its key write end before this call does.
      await savingCredentials;
      // Saved keys the server no longer takes are useless: forget them so the UI asks for the password.
      if (error instanceof AdminError && error.code === 'password-required') await this.credentials.delete(profile.id);
      throw error;
    }
  }

  async disconnect(serverId: string): Promise<void> {
    const session = this.sessions.get(serverId);
    if (session && session.state !== 'offline') await session.close();
  }

  serverInfo(serverId: string): Promise<ServerInfo> {
    const info = this.sessions.get(serverId)?.info;
    if (!info) return Promise.reject(new AdminError('not-connected', 'This server is not connected. Connect to it to see what it offers.'));
    return Promise.resolve(info);
  }

  recheckServer(serverId: string): Promise<ServerInfo> {
    return this.session(serverId).recheck();
  }

  recentRegistrations(): Promise<Registration[]> {
    return Promise.resolve([...this.recent]);
  }

  connectionStatuses(): Promise<ConnectionStatus[]> {
    return Promise.resolve([...this.sessions.values()].map((s) => s.status));
  }

  async createInvites(request: CreateInvitesRequest): Promise<Invite[]> {
    const ctx = this.session(request.serverId).context();
    return hasModule(ctx.commands) ? createModuleInvites(ctx, request) : createStockRequest(ctx, request);
  }

  async listInvites(request: ListInvitesRequest): Promise<InvitePage> {
    return listLedger(this.session(request.serverId).context(), request);
  }

  async revokeInvites({ serverId, ids }: { serverId: string; ids: string[] }): Promise<{ revoked: number }> {
    return { revoked: await revokeLedger(this.session(serverId).context(), ids) };
  }

  async purgeExpiredInvites(serverId: string): Promise<{ purged: number }> {
    return { purged: await purgeExpired(this.session(serverId).context()) };
  }

  async getPolicy(serverId: string): Promise<RegistrationPolicy> {
    const session = this.session(serverId);
    return session.policy ?? readPolicy(session.context());
  }

  async setPolicy({ serverId, policy }: { serverId: string; policy: RegistrationPolicy }): Promise<void> {
    await writePolicy(this.session(serverId).context(), policy);
  }

  deleteAccount(request: AccountRequest): Promise<void> {
    return this.userAction('delete', request);
  }

  endSessions(request: AccountRequest): Promise<void> {
    return this.userAction('endSessions', request);
  }

  disableAccount(request: AccountRequest): Promise<void> {
    return this.userAction('disable', request);
  }

  enableAccount(request: AccountRequest): Promise<void> {
    return this.userAction('enable', request);
  }

  getPreferences(): Promise<Preferences> {
    return Promise.resolve(this.settings.read().preferences);
  }

  setPreferences(changes: Partial<Preferences>): Promise<Preferences> {
    const next = this.settings.update((settings) => {
      settings.preferences = { ...settings.preferences, ...changes };
    });
    return Promise.resolve(next.preferences);
  }

  getPrintKitText(serverId: string): Promise<PrintKitText | null> {
    const { printKits } = this.settings.read();
    const saved = Object.hasOwn(printKits, serverId) ? printKits[serverId] : undefined;
    return Promise.resolve(saved ? { serverId, ...saved } : null);
  }

  savePrintKitText({ serverId, welcome, apps }: PrintKitText): Promise<void> {
    return this.changeSavedServer(serverId, (settings) => {
      settings.printKits = { ...settings.printKits, [serverId]: { welcome, apps } };
    });
  }

  hostInfo(): Promise<HostInfo> {
    const { kind, version, nativeNotifications, nativePrinting } = this.shell;
    return Promise.resolve({ kind, version, nativeNotifications, nativePrinting, savedSignIns: { ...this.credentials.persistence } });
  }

  printPage(): Promise<void> {
    return this.shell.printPage();
  }

  savePageAsPdf(request: PdfRequest): Promise<{ path: string } | null> {
    return this.shell.savePageAsPdf(request);
  }

  setUnreadCount(count: number): Promise<void> {
    this.shell.setUnreadCount(count);
    return Promise.resolve();
  }

  /** Asks the UI to show one sign-up: the host calls this when its notification is clicked. */
  revealRegistration(request: RevealRequest): void {
    this.events.emit('reveal-registration', request);
  }

  /** Ends every session, for when the host shuts down. */
  async shutdown(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((s) => s.close('Invite Desk is closing.')));
  }

  private async userAction(action: UserAction, { serverId, jid }: AccountRequest): Promise<void> {
    await runUserAction(this.session(serverId).context(), action, jid.trim());
  }

  /** Changes settings that belong to a saved server, in one read and write; an unknown server changes nothing. */
  private changeSavedServer(serverId: string, change: (settings: Settings, index: number) => void): Promise<void> {
    return Promise.resolve().then(() => {
      this.settings.update((settings) => {
        const index = settings.profiles.findIndex((p) => p.id === serverId);
        if (index === -1) throw new AdminError('invalid-input', 'This server is not saved yet: connect to it once first.');
        change(settings, index);
      });
    });
  }

  private storeProfile(profile: ServerProfile): void {
    this.settings.update((settings) => {
      const index = settings.profiles.findIndex((p) => p.id === profile.id);
      if (index === -1) settings.profiles.push(profile);
      else settings.profiles[index] = profile;
    });
  }

  private memoryOf(serverId: string): SessionMemory {
    let memory = this.memories.get(serverId);
    if (!memory) this.memories.set(serverId, (memory = new SessionMemory()));
    return memory;
  }

  private session(serverId: string): AdminSession {
    const session = this.sessions.get(serverId);
    if (!session) throw new AdminError('not-connected', 'This server is not connected. Connect to it first.');
    return session;
  }
}

/** The service over a settings folder, for plain Node: settings through conf, secrets where the caller keeps them. */
export function createAdminService(
  home: string,
  credentials: CredentialStore,
  options: { shell?: HostShell; timeouts?: Partial<SessionTimeouts> } = {},
): AdminService {
  const serviceOptions: AdminServiceOptions = {
    settings: openNodeSettings(home).store,
    credentials,
    shell: options.shell ?? browserShell(sourceTreeVersion()),
  };
  if (options.timeouts) serviceOptions.timeouts = options.timeouts;
  return new AdminService(serviceOptions);
}
