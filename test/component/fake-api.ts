import type { AdminApi, AdminEventName, AdminEvents, ServerInfo } from '../../common/api';

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
    getPreferences: () => Promise.resolve({ theme: 'system', notifications: false }),
    setPreferences: () => Promise.resolve({ theme: 'system', notifications: false }),
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
    listRooms: () => Promise.resolve([]),
    getOnboardingDefaults: (serverId) => Promise.resolve({ serverId, community: 'example.org', rooms: [], contacts: [], welcome: '' }),
    setOnboardingDefaults: () => Promise.resolve(),
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
