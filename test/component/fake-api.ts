import type { AdminApi, AdminEventName, AdminEvents, ServerInfo, UpdateStatus } from '../../common/api';

/**
 * An AdminApi for component tests: the UI's one seam, answering from memory.
 * Everything behind the seam is tested against a real Prosody elsewhere.
 */
export interface FakeApi extends AdminApi {
  /** Delivers an event to the UI, as a host would. */
  emit<E extends AdminEventName>(event: E, payload: AdminEvents[E]): void;
  /** The calls made, by method name, with their first argument. */
  calls: { method: string; argument: unknown }[];
}

export const serverInfo = (extra: Partial<ServerInfo> = {}): ServerInfo => ({
  serverId: 's1',
  account: 'admin@example.org/desk',
  domain: 'example.org',
  commands: [],
  modules: ['invite_desk'],
  capabilities: [{ id: 'invite-desk', label: 'Invite Desk module', state: 'available', description: '', enable: '' }],
  ...extra,
});

const NO_UPDATER: UpdateStatus = { state: 'unavailable', current: 'test', automatic: true, message: 'The browser preview has no updater.' };

export function fakeApi(overrides: Partial<Omit<AdminApi, 'on'>> = {}): FakeApi {
  const listeners = new Map<string, Set<(payload: never) => void>>();
  const calls: FakeApi['calls'] = [];
  const defaults: Omit<AdminApi, 'on'> = {
    listProfiles: () => Promise.resolve([]),
    removeProfile: () => Promise.resolve(),
    saveProfile: () => Promise.resolve(),
    connect: () => Promise.resolve(serverInfo()),
    disconnect: () => Promise.resolve(),
    serverInfo: () => Promise.resolve(serverInfo()),
    recheckServer: () => Promise.resolve(serverInfo()),
    connectionStatuses: () => Promise.resolve([]),
    recentRegistrations: () => Promise.resolve([]),
    createInvites: () => Promise.resolve([]),
    listInvites: () => Promise.resolve({ total: 0, invites: [] }),
    revokeInvites: (request) => Promise.resolve({ revoked: request.ids.length }),
    purgeExpiredInvites: () => Promise.resolve({ purged: 0, forgotten: 0 }),
    getPolicy: () => Promise.resolve('invite-only'),
    setPolicy: () => Promise.resolve(),
    deleteAccount: () => Promise.resolve(),
    endSessions: () => Promise.resolve(),
    disableAccount: () => Promise.resolve(),
    enableAccount: () => Promise.resolve(),
    checkInvitePage: () => Promise.resolve({ ok: true, message: 'The invite page answers.' }),
    accountStates: (request) => Promise.resolve(request.jids.map((jid) => ({ jid, state: 'unknown', source: 'record' }))),
    getPreferences: () => Promise.resolve({ theme: 'system', notifications: false, automaticUpdates: true, connectAtStart: true, language: 'en' }),
    setPreferences: (changes) => Promise.resolve({ theme: 'system', notifications: false, automaticUpdates: true, connectAtStart: true, language: 'en', ...changes }),
    getPrintKitText: () => Promise.resolve(null),
    savePrintKitText: () => Promise.resolve(),
    getStudioChoices: () => Promise.resolve(null),
    saveStudioChoices: () => Promise.resolve(),
    hostInfo: () => Promise.resolve({ kind: 'browser', version: 'test', savedSignIns: { available: false }, nativeNotifications: false, nativePrinting: false, setAsideFiles: [] }),
    diagnostics: () => Promise.resolve(''),
    printPage: () => Promise.resolve(),
    savePageAsPdf: () => Promise.resolve(null),
    setUnreadCount: () => Promise.resolve(),
    signupHistory: () => Promise.resolve([]),
    markSignupsRead: () => Promise.resolve(),
    setConnectAtStart: () => Promise.resolve(),
    updateStatus: () => Promise.resolve(NO_UPDATER),
    checkForUpdates: () => Promise.resolve(NO_UPDATER),
    installUpdate: () => Promise.resolve(NO_UPDATER),
    listJoinRequests: () => Promise.resolve({ requests: [], total: 0 }),
    approveJoinRequests: (request) => Promise.resolve({ decided: request.jids ?? [], notWaiting: [], failed: [] }),
    rejectJoinRequests: (request) => Promise.resolve({ decided: request.jids ?? [], notWaiting: [], failed: [] }),
    getMemberInviteRules: (serverId) => Promise.resolve({ serverId, who: 'admins', perPeriod: 3, periodDays: 7, maxPending: 3, minAgeDays: 7 }),
    setMemberInviteRules: () => Promise.resolve(),
    inviterTree: () => Promise.resolve({ entries: [], total: 0 }),
    revokeMemberInvites: () => Promise.resolve({ revoked: 0 }),
    holdInvitees: () => Promise.resolve(),
    listRooms: () => Promise.resolve([]),
    getOnboardingDefaults: (serverId) => Promise.resolve({ serverId, community: 'example.org', rooms: [], contacts: [], welcome: '' }),
    setOnboardingDefaults: () => Promise.resolve(),
    listActivity: () => Promise.resolve({ total: 0, admins: [], entries: [] }),
    exportCsv: () => Promise.resolve(null),
  };
  // Each method takes one argument or none, so one recorder fits them all.
  const methods = { ...defaults, ...overrides } as unknown as Record<string, (argument: unknown) => Promise<unknown>>;
  const recorded = Object.fromEntries(
    Object.entries(methods).map(([method, call]) => [
      method,
      (argument: unknown) => {
        calls.push({ method, argument });
        return call(argument);
      },
    ]),
  ) as unknown as Omit<AdminApi, 'on'>;
  return {
    ...recorded,
    calls,
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener);
      listeners.set(event, set);
      return () => set.delete(listener);
    },
    emit(event, payload) {
      for (const listener of listeners.get(event) ?? []) (listener as (p: typeof payload) => void)(payload);
    },
  };
}
