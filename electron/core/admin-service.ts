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
  OnboardingDefaults,
  PdfRequest,
  Preferences,
  PrintKitText,
  PurgeResult,
  RegistrationPolicy,
  SetAsideFile,
  SignupPoint,
  StudioChoices,
  Registration,
  RevealRequest,
  Room,
  SavedProfile,
  ServerInfo,
  ServerProfile,
} from '../../common/api';
import { AdminError } from '../../common/errors';
import { createEventHub } from '../../common/event-hub';
import { DEFAULT_TIMEOUTS, type AdminSession, type SessionTimeouts } from './admin-session';
import { ServerRegistry } from './server-registry';
import { createStockRequest } from './features/invites';
import { createModuleInvites, hasModule, listLedger, purgeExpired, readPolicy, readSignupHistory, revokeLedger, writePolicy } from './features/invite-desk';
import { runUserAction, type UserAction } from './features/user-actions';
import { listRooms, readOnboardingDefaults, writeOnboardingDefaults } from './features/onboarding';
import { sourceTreeVersion } from './app-version';
import { browserShell, type HostShell } from './host-shell';
import type { CredentialStore } from './settings/credential-store';
import { ServerRecords } from './settings/server-records';
import { ErrorLog, useErrorLog } from './diagnostics/error-log';
import { diagnosticsReport, REPORT_LOG_LINES } from './diagnostics/report';
import { openNodeSettings, type SettingsStore } from './settings/settings-store';

const RECENT_LIMIT = 10_000;

export interface AdminServiceOptions {
  settings: SettingsStore;
  credentials: CredentialStore;
  shell: HostShell;
  timeouts?: Partial<SessionTimeouts>;
  /** Where unexpected errors are logged, for diagnostics. */
  errorLog?: ErrorLog;
  /** Files the host could not read at start (settings.json), to show the admin. */
  setAsideFiles?: SetAsideFile[];
}

/**
 * The backend behind `AdminApi`: one admin session per server, all open at
 * once. Plain Node; both hosts (Electron and the browser preview) wrap it.
 */
export class AdminService implements AdminApi {
  private readonly registry: ServerRegistry;
  private readonly records: ServerRecords;
  /** The latest sign-ups, so a window opened (or reloaded) later still shows them. */
  private recent: Registration[] = [];
  private readonly events = createEventHub<AdminEvents>();
  private readonly settings: SettingsStore;
  private readonly credentials: CredentialStore;
  private readonly shell: HostShell;
  private readonly errorLog: ErrorLog | undefined;
  private readonly setAsideFiles: SetAsideFile[];

  constructor(options: AdminServiceOptions) {
    this.errorLog = options.errorLog;
    this.setAsideFiles = options.setAsideFiles ?? [];
    this.settings = options.settings;
    this.credentials = options.credentials;
    this.shell = options.shell;
    this.records = new ServerRecords(options.settings);
    this.registry = new ServerRegistry(this.records, options.credentials, { ...DEFAULT_TIMEOUTS, ...options.timeouts }, {
      status: (status) => this.events.emit('connection-status', status),
      registration: (registration) => {
        this.recent.push(registration);
        if (this.recent.length > RECENT_LIMIT) this.recent.splice(0, this.recent.length - RECENT_LIMIT);
        this.events.emit('registration', registration);
      },
      policy: (change) => this.events.emit('policy', change),
    });
  }

  on: AdminApi['on'] = (event, listener) => this.events.on(event, listener);

  async listProfiles(): Promise<SavedProfile[]> {
    return Promise.all(
      this.records.all().map(async ({ profile }) => ({
        ...profile,
        hasSavedCredentials: (await this.credentials.get(profile.id)) !== undefined,
        unread: this.registry.unread(profile.id),
      })),
    );
  }

  async removeProfile(serverId: string): Promise<void> {
    await this.registry.remove(serverId);
    this.recent = this.recent.filter((registration) => registration.serverId !== serverId);
  }

  saveProfile(profile: ServerProfile): Promise<void> {
    return this.changeSavedServer(profile.id, (record) => {
      record.profile = profile;
    });
  }

  connect({ profile, password }: ConnectRequest): Promise<ServerInfo> {
    return this.registry.connect(profile, password);
  }

  disconnect(serverId: string): Promise<void> {
    return this.registry.disconnect(serverId);
  }

  serverInfo(serverId: string): Promise<ServerInfo> {
    const info = this.registry.find(serverId)?.info;
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
    return Promise.resolve(this.registry.statuses());
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

  signupHistory({ serverId, days }: { serverId: string; days: number }): Promise<SignupPoint[]> {
    return readSignupHistory(this.session(serverId).context(), days);
  }

  listRooms({ serverId, include }: { serverId: string; include?: string[] }): Promise<Room[]> {
    return listRooms(this.session(serverId).context(), include);
  }

  getOnboardingDefaults(serverId: string): Promise<OnboardingDefaults> {
    return readOnboardingDefaults(this.session(serverId).context());
  }

  setOnboardingDefaults(defaults: OnboardingDefaults): Promise<void> {
    return writeOnboardingDefaults(this.session(defaults.serverId).context(), defaults);
  }

  async purgeExpiredInvites(serverId: string): Promise<PurgeResult> {
    return purgeExpired(this.session(serverId).context());
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
    const saved = this.records.find(serverId)?.printKit;
    return Promise.resolve(saved ? { serverId, ...saved } : null);
  }

  savePrintKitText({ serverId, welcome, apps }: PrintKitText): Promise<void> {
    return this.changeSavedServer(serverId, (record) => {
      record.printKit = { welcome, apps };
    });
  }

  getStudioChoices(serverId: string): Promise<StudioChoices | null> {
    const saved = this.records.find(serverId)?.studio;
    return Promise.resolve(saved ? { serverId, ...saved } : null);
  }

  saveStudioChoices({ serverId, ...choices }: StudioChoices): Promise<void> {
    return this.changeSavedServer(serverId, (record) => {
      record.studio = choices;
    });
  }

  hostInfo(): Promise<HostInfo> {
    const { kind, version, nativeNotifications, nativePrinting } = this.shell;
    const info: HostInfo = {
      kind,
      version,
      nativeNotifications,
      nativePrinting,
      savedSignIns: { ...this.credentials.persistence },
      setAsideFiles: [...this.setAsideFiles, ...this.credentials.setAsideFiles],
    };
    if (this.errorLog) info.errorLog = this.errorLog.path;
    return Promise.resolve(info);
  }

  async diagnostics(): Promise<string> {
    return diagnosticsReport(await this.hostInfo(), this.registry.snapshot(), this.errorLog?.tail(REPORT_LOG_LINES) ?? []);
  }

  printPage(): Promise<void> {
    return this.shell.printPage();
  }

  savePageAsPdf(request: PdfRequest): Promise<{ path: string } | null> {
    return this.shell.savePageAsPdf(request);
  }

  markSignupsRead(serverId: string): Promise<void> {
    this.registry.markRead(serverId);
    return Promise.resolve();
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
  shutdown(): Promise<void> {
    return this.registry.closeAll();
  }

  private async userAction(action: UserAction, { serverId, jid }: AccountRequest): Promise<void> {
    await runUserAction(this.session(serverId).context(), action, jid.trim());
  }

  /** Changes the record of a saved server, in one read and write; an unknown server changes nothing. */
  private changeSavedServer(serverId: string, change: Parameters<ServerRecords['change']>[1]): Promise<void> {
    return Promise.resolve().then(() => this.records.change(serverId, change));
  }

  private session(serverId: string): AdminSession {
    return this.registry.session(serverId);
  }
}

/**
 * The service over a settings folder, for plain Node: settings through conf,
 * secrets where the caller keeps them, unexpected errors logged in the folder.
 */
export function createAdminService(
  home: string,
  credentials: CredentialStore,
  options: { shell?: HostShell; timeouts?: Partial<SessionTimeouts> } = {},
): AdminService {
  const { store, preparation } = openNodeSettings(home);
  const errorLog = new ErrorLog(home);
  useErrorLog(errorLog);
  const serviceOptions: AdminServiceOptions = {
    settings: store,
    credentials,
    shell: options.shell ?? browserShell(sourceTreeVersion()),
    errorLog,
    setAsideFiles: preparation.setAside ? [preparation.setAside] : [],
  };
  if (options.timeouts) serviceOptions.timeouts = options.timeouts;
  return new AdminService(serviceOptions);
}
