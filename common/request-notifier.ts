import type { JoinRequestsChange } from './api';
import { requestNoticeTitle } from './join-requests';

/** One notification of new requests to join a server; the host (Electron or the page) decides how to show it. */
export interface RequestNotice {
  title: string;
  body: string;
  serverId: string;
}

/**
 * Turns changes to servers' requests into notifications: one per server for
 * every burst of new ones (a spam wave of 200, or a catch-up after a restart,
 * is one notification, "200 people ask to join example.org"). Shared by the
 * desktop host (native notifications) and the browser page.
 */
export function createRequestNotifier(options: { show: (notice: RequestNotice) => void; batchMs?: number }): (change: JoinRequestsChange) => void {
  const pending = new Map<string, { domain: string; count: number; only?: string }>();
  let timer: ReturnType<typeof setTimeout> | null = null;

  const flush = (): void => {
    timer = null;
    for (const [serverId, { domain, count, only }] of pending) {
      options.show({ serverId, title: requestNoticeTitle(count, domain), body: count === 1 && only ? only : 'Approve or reject them in Invite Desk.' });
    }
    pending.clear();
  };

  return (change) => {
    if (change.unseen <= 0) return;
    const burst = pending.get(change.serverId) ?? { domain: change.domain, count: 0 };
    burst.count += change.unseen;
    const single = change.added?.length === 1 ? change.added[0] : undefined;
    if (single) burst.only = single.reason ? `${single.jid}: “${single.reason.slice(0, 120)}”` : single.jid;
    pending.set(change.serverId, burst);
    timer ??= setTimeout(flush, options.batchMs ?? 1500);
  };
}
