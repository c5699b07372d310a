import type { AdminEventName, AdminMethod } from './api';

/**
 * The methods and events as runtime lists, so that both hosts and both bridges
 * are built from one place. The `satisfies` checks make the compiler fail when
 * a name is added to the interface but not here, or the other way round.
 */
export const ADMIN_METHODS = [
  'listProfiles',
  'removeProfile',
  'connect',
  'disconnect',
  'serverInfo',
  'connectionStatuses',
] as const satisfies readonly AdminMethod[];

export const ADMIN_EVENTS = ['connection-status'] as const satisfies readonly AdminEventName[];

type Missing<All, Listed> = Exclude<All, Listed>;
// Compile-time proof that the lists are complete.
const methodsComplete: Missing<AdminMethod, (typeof ADMIN_METHODS)[number]> extends never ? true : false = true;
const eventsComplete: Missing<AdminEventName, (typeof ADMIN_EVENTS)[number]> extends never ? true : false = true;
void methodsComplete;
void eventsComplete;

export function isAdminMethod(value: unknown): value is AdminMethod {
  return typeof value === 'string' && (ADMIN_METHODS as readonly string[]).includes(value);
}

export function isAdminEventName(value: unknown): value is AdminEventName {
  return typeof value === 'string' && (ADMIN_EVENTS as readonly string[]).includes(value);
}

/** The reply to one call as it crosses a process boundary: error codes survive the trip. */
export type CallEnvelope<T = unknown> = { result: T } | { error: import('./errors').AdminErrorShape };
