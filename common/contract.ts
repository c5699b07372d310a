import type { AdminEventName, AdminMethod } from './api';
import type { AdminErrorShape } from './errors';

/** Returns the list as given; it only compiles when the list names every member of T. */
function everyOf<T extends string>() {
  return <const L extends readonly T[]>(list: L & ([Exclude<T, L[number]>] extends [never] ? unknown : { missing: Exclude<T, L[number]> })): L => list;
}

/**
 * The methods and events as runtime lists, so that both hosts and both bridges
 * are built from one place. Adding a method to AdminApi without listing it
 * here fails to compile.
 */
export const ADMIN_METHODS = everyOf<AdminMethod>()([
  'listProfiles',
  'removeProfile',
  'saveProfile',
  'connect',
  'disconnect',
  'serverInfo',
  'recheckServer',
  'connectionStatuses',
  'recentRegistrations',
  'createInvites',
  'listInvites',
  'revokeInvites',
  'purgeExpiredInvites',
  'signupHistory',
  'listRooms',
  'getOnboardingDefaults',
  'setOnboardingDefaults',
  'getPolicy',
  'setPolicy',
  'deleteAccount',
  'endSessions',
  'disableAccount',
  'enableAccount',
  'accountStates',
  'checkInvitePage',
  'getPreferences',
  'setPreferences',
  'getPrintKitText',
  'savePrintKitText',
  'getStudioChoices',
  'saveStudioChoices',
  'hostInfo',
  'diagnostics',
  'printPage',
  'savePageAsPdf',
  'setUnreadCount',
  'markSignupsRead',
  'setConnectAtStart',
  'updateStatus',
  'checkForUpdates',
  'installUpdate',
  'listJoinRequests',
  'approveJoinRequests',
  'rejectJoinRequests',
  'getMemberInviteRules',
  'setMemberInviteRules',
  'inviterTree',
  'revokeMemberInvites',
  'holdInvitees',
  'listActivity',
  'exportCsv',
]);

export const ADMIN_EVENTS = everyOf<AdminEventName>()(['connection-status', 'registration', 'policy', 'reveal-registration', 'update-status', 'join-requests', 'reveal-requests', 'activity']);

export function isAdminMethod(value: unknown): value is AdminMethod {
  return typeof value === 'string' && (ADMIN_METHODS as readonly string[]).includes(value);
}

export function isAdminEventName(value: unknown): value is AdminEventName {
  return typeof value === 'string' && (ADMIN_EVENTS as readonly string[]).includes(value);
}

/** The reply to one call as it crosses a process boundary: error codes survive the trip. */
export type CallEnvelope<T = unknown> = { result: T } | { error: AdminErrorShape };
