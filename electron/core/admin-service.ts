import type {
  AccountRequest,
  ActivityPage,
  ActivityRequest,
  CsvExportRequest,
  CsvExportResult,
  AccountStatus,
  AdminApi,
  ConnectAtStartRequest,
  AdminEvents,
  ConnectionStatus,
  ConnectRequest,
  CreateInvitesRequest,
  HostInfo,
  Invite,
  InvitePageCheck,
  InvitePage,
  InviterTree,
  JoinDecision,
  JoinDecisionRequest,
  JoinRequestList,
  ListInvitesRequest,
  MemberInviteRules,
  MemberRequest,
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
  UpdateStatus,
} from '../../common/api';
import { AdminError } from '../../common/errors';
import { RECENT_SIGNUPS_PER_SERVER } from '../../common/limits';
import { RecentList } from '../../common/recent-list';
import { createEventHub } from '../../common/event-hub';
import { DEFAULT_TIMEOUTS, type AdminSession, type SessionTimeouts } from './admin-session';
import { ServerRegistry } from './server-registry';
import { createStockRequest } from './features/invites';
import { createModuleInvites, exportLedger, hasModule, listLedger, purgeExpired, readPolicy, readSignupHistory, revokeLedger, writePolicy } from './features/invite-desk';
import { runUserAction, type UserAction } from './features/user-actions';
import { accountStatuses, recordAction, refuseRepeat, serverAccountStates } from './features/accounts';
import { checkInvitePage } from './features/invite-page';
import { decideJoinRequests } from './features/join-requests';
import { listActivity } from './features/activity-log';
import { exportCsv, MAX_EXPORT_ROWS } from './csv-export';
import type { SessionContext } from './features/context';
import { holdInvitees, readInviterTree, readMemberRules, revokeMemberInvites, writeMemberRules } from './features/members';
import { listRooms, readOnboardingDefaults, writeOnboardingDefaults } from './features/onboarding';
import { sourceTreeVersion } from './app-version';
import { browserShell, type HostShell } from './host-shell';
import type { CredentialStore } from './settings/credential-store';
import { ServerRecords } from './settings/server-records';
import { ErrorLog, useErrorLog } from './diagnostics/error-log';
import { diagnosticsReport, REPORT_LOG_LINES } from './diagnostics/report';
import { openNodeSettings, type SettingsStore } from './settings/settings-store';
import { ActivityTracker } from './activity';
import { UpdatePolicy } from './updates/update-policy';

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
  private readonly recent = new Map<string, RecentList<Registration>>();
  private readonly events = createEventHub<AdminEvents>();
  private readonly settings: SettingsStore;
  private readonly credentials: CredentialStore;
  private readonly shell: HostShell;
  private readonly errorLog: ErrorLog | undefined;
  private readonly setAsideFiles: SetAsideFile[];
  private readonly timeouts: SessionTimeouts;
  /** Sign-ins and batches under way, which an update waits for. */
  private readonly activity = new ActivityTracker();
  private readonly updates: UpdatePolicy;

  constructor(options: AdminServiceOptions) {
    this.errorLog = options.errorLog;
    this.setAsideFiles = options.setAsideFiles ?? [];
    this.settings = options.settings;
    this.credentials = options.credentials;
    this.shell = options.shell;
    this.records = new ServerRecords(options.settings);
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    this.registry = new ServerRegistry(this.records, options.credentials, this.timeouts, {
      status: (status) => this.events.emit('connection-status', status),
      registration: (registration) => {
        let recent = this.recent.get(registration.serverId);
        if (!recent) this.recent.set(registration.serverId, (recent = new RecentList(RECENT_SIGNUPS_PER_SERVER)));
        recent.push(registration);
        this.events.emit('registration', registration);
      },
      policy: (change) => this.events.emit('policy', change),
      activity: (entry) => this.events.emit('activity', entry),
      requests: (change) => this.events.emit('join-requests', change),
    });
    this.updates = new UpdatePolicy({
      updater: options.shell.updater,
      current: options.shell.version,
      automatic: options.settings.read().preferences.automaticUpdates,
      busy: () => this.activity.current(),
      onStatus: (status) => this.events.emit('update-status', status),
    });
    this.activity.onIdle(() => this.updates.idle());
  }

  /**
   * What the host does as it starts: saved servers with a saved sign-in
   * connect, all at once (unless the admin turned that off), and update
   * checks begin. One server failing shows in its status and holds up none.
   */
  async start(): Promise<void> {
    this.updates.start();
    if (!this.settings.read().preferences.connectAtStart) return;
    await Promise.all(
      this.records
        .all()
        // A server the host connected before starting (as the demo does) keeps its session.
        .filter((record) => record.connectAtStart !== false && this.registry.find(record.profile.id) === null)
        .map(async ({ profile }) => {
          if ((await this.credentials.get(profile.id)) === undefined) return;
          await this.connect({ profile }).catch(() => undefined);
        }),
    );
  }

  on: AdminApi['on'] = (event, listener) => this.events.on(event, listener);

  async listProfiles(): Promise<SavedProfile[]> {
    return Promise.all(
      this.records.all().map(async ({ profile, connectAtStart }) => ({
        ...profile,
        hasSavedCredentials: (await this.credentials.get(profile.id)) !== undefined,
        unread: this.registry.unread(profile.id),
        connectAtStart: connectAtStart !== false,
      })),
    );
  }

  async removeProfile(serverId: string): Promise<void> {
    await this.registry.remove(serverId);
    this.recent.delete(serverId);
  }

  saveProfile(profile: ServerProfile): Promise<void> {
    return this.changeSavedServer(profile.id, (record) => {
      record.profile = profile;
    });
  }

  connect({ profile, password }: ConnectRequest): Promise<ServerInfo> {
    return this.activity.track('sign-in', () => this.registry.connect(profile, password));
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
    return Promise.resolve([...this.recent.values()].flatMap((recent) => recent.oldestFirst()));
  }

  connectionStatuses(): Promise<ConnectionStatus[]> {
    return Promise.resolve(this.registry.statuses());
  }

  createInvites(request: CreateInvitesRequest): Promise<Invite[]> {
    return this.activity.track('batch', async () => {
      const ctx = this.session(request.serverId).context();
      return hasModule(ctx.commands) ? createModuleInvites(ctx, request) : createStockRequest(ctx, request);
    });
  }

  async listInvites(request: ListInvitesRequest): Promise<InvitePage> {
    return listLedger(this.session(request.serverId).context(), request);
  }

  revokeInvites({ serverId, ids }: { serverId: string; ids: string[] }): Promise<{ revoked: number }> {
    return this.activity.track('batch', async () => ({ revoked: await revokeLedger(this.session(serverId).context(), ids) }));
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
    const session = this.session(serverId);
    // What this admin saw: a switch another admin made since is not silently undone.
    await writePolicy(session.context(), policy, session.policy ?? undefined);
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

  async accountStates({ serverId, jids }: { serverId: string; jids: string[] }): Promise<AccountStatus[]> {
    const session = this.registry.find(serverId);
    const fromServer = session?.state === 'online' ? await serverAccountStates(session.context(), jids) : undefined;
    return accountStatuses(jids, fromServer, this.records.find(serverId));
  }

  checkInvitePage({ url }: { serverId: string; url: string }): Promise<InvitePageCheck> {
    return checkInvitePage(url, this.timeouts.requestMs);
  }

  getPreferences(): Promise<Preferences> {
    return Promise.resolve(this.settings.read().preferences);
  }

  setPreferences(changes: Partial<Preferences>): Promise<Preferences> {
    const next = this.settings.update((settings) => {
      settings.preferences = { ...settings.preferences, ...changes };
    });
    if (changes.automaticUpdates !== undefined) this.updates.setAutomatic(changes.automaticUpdates);
    return Promise.resolve(next.preferences);
  }

  getPrintKitText(serverId: string): Promise<PrintKitText | null> {
    const saved = this.records.find(serverId)?.printKit;
    return Promise.resolve(saved ? { serverId, ...saved } : null);
  }

  savePrintKitText({ serverId, welcome, apps, language }: PrintKitText): Promise<void> {
    return this.changeSavedServer(serverId, (record) => {
      record.printKit = language === undefined ? { welcome, apps } : { welcome, apps, language };
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

  setConnectAtStart({ serverId, connectAtStart }: ConnectAtStartRequest): Promise<void> {
    return this.changeSavedServer(serverId, (record) => {
      if (connectAtStart) delete record.connectAtStart;
      else record.connectAtStart = false;
    });
  }

  updateStatus(): Promise<UpdateStatus> {
    return Promise.resolve(this.updates.status);
  }

  checkForUpdates(): Promise<UpdateStatus> {
    return this.updates.check();
  }

  installUpdate(): Promise<UpdateStatus> {
    return Promise.resolve().then(() => this.updates.install());
  }

  listJoinRequests(serverId: string): Promise<JoinRequestList> {
    return this.session(serverId).refreshRequests();
  }

  approveJoinRequests(request: JoinDecisionRequest): Promise<JoinDecision> {
    return this.decide('approve', request);
  }

  rejectJoinRequests(request: JoinDecisionRequest): Promise<JoinDecision> {
    return this.decide('reject', request);
  }

  getMemberInviteRules(serverId: string): Promise<MemberInviteRules> {
    return readMemberRules(this.session(serverId).context());
  }

  setMemberInviteRules(rules: MemberInviteRules): Promise<void> {
    return writeMemberRules(this.session(rules.serverId).context(), rules);
  }

  inviterTree(serverId: string): Promise<InviterTree> {
    return readInviterTree(this.session(serverId).context());
  }

  async revokeMemberInvites({ serverId, jid }: MemberRequest): Promise<{ revoked: number }> {
    return { revoked: await revokeMemberInvites(this.session(serverId).context(), jid) };
  }

  holdInvitees({ serverId, jid, hold }: MemberRequest & { hold: boolean }): Promise<void> {
    return holdInvitees(this.session(serverId).context(), jid, hold);
  }

  listActivity(request: ActivityRequest): Promise<ActivityPage> {
    return listActivity(this.session(request.serverId).context(), request);
  }

  async exportCsv(request: CsvExportRequest): Promise<CsvExportResult> {
    const { serverId, what } = request;
    const ctx = (): SessionContext => this.session(serverId).context();
    const content = await exportCsv(request, {
      ledger: () => exportLedger(ctx(), MAX_EXPORT_ROWS),
      activity: (offset, limit, start, end) => listActivity(ctx(), { serverId, offset, limit, ...(start ? { start } : {}), ...(end ? { end } : {}) }),
      signups: () => Promise.resolve(this.recent.get(serverId)?.oldestFirst() ?? []),
    });
    const domain = this.session(serverId).context().domain;
    const name = `${domain}-${what}-${new Date().toISOString().slice(0, 10)}.csv`;
    if (!this.shell.saveFile) return { name, content };
    return this.shell.saveFile(name, content);
  }

  /** Asks the UI to show a server's requests to join: the host calls this when their notification is clicked. */
  revealRequests(serverId: string): void {
    this.events.emit('reveal-requests', { serverId });
  }

  /** Asks the UI to show one sign-up: the host calls this when its notification is clicked. */
  revealRegistration(request: RevealRequest): void {
    this.events.emit('reveal-registration', request);
  }

  /** Ends every session, for when the host shuts down. */
  shutdown(): Promise<void> {
    this.updates.stop();
    return this.registry.closeAll();
  }

  /** The one way the app approves or rejects requests to join: whatever the server decided leaves the list at once. */
  private async decide(verdict: 'approve' | 'reject', request: JoinDecisionRequest): Promise<JoinDecision> {
    const session = this.session(request.serverId);
    const decision = await decideJoinRequests(session.context(), verdict, request);
    session.settleRequests(decision.decided);
    return decision;
  }

  private async userAction(action: UserAction, { serverId, jid }: AccountRequest): Promise<void> {
    const ctx = this.session(serverId).context();
    const account = jid.trim();
    if (action === 'disable' || action === 'enable') refuseRepeat(action, account, (await serverAccountStates(ctx, [account]))?.get(account));
    await runUserAction(ctx, action, account);
    // Done on the server; the record is only for showing it where the server cannot say.
    await this.changeSavedServer(serverId, (record) => recordAction(record, account, action, new Date())).catch(() => undefined);
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
