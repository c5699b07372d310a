import type { AdminMethod } from './api';

/** Electron IPC channel names, derived from the contract so main and preload agree. */
export const IPC_CALL_PREFIX = 'invite-desk:call:';
export const IPC_EVENT_CHANNEL = 'invite-desk:event';

export function ipcChannelFor(method: AdminMethod): string {
  return `${IPC_CALL_PREFIX}${method}`;
}
