import type { JoinRequest, JoinRequestsChange } from './api';

/**
 * A server's waiting requests to join, kept in step with what the server
 * says: a whole list now and then, and the changes it pushes in between.
 * Used behind the seam (one per session) and in the UI (one per server).
 *
 * A list answers a request that was in flight while changes arrived, and
 * nothing says which of those it already holds. Each change sets or removes
 * one account, so the changes that arrived meanwhile are applied again on top
 * of the list: those it holds change nothing, and those it missed are not lost.
 */
export class JoinRequestBook {
  private readonly byJid = new Map<string, JoinRequest>();
  private replay: Pick<JoinRequestsChange, 'added' | 'removed'>[] | null = null;

  /** The waiting requests, newest first. */
  list(): JoinRequest[] {
    return [...this.byJid.values()].sort(newestFirst);
  }

  get size(): number {
    return this.byJid.size;
  }

  has(jid: string): boolean {
    return this.byJid.has(jid);
  }

  /** Call before asking for a whole list: changes from now on are kept to apply on top of it. */
  listing(): void {
    this.replay ??= [];
  }

  /** Applies a change: the list it carries replaces everything, then its additions and removals. */
  apply(change: Pick<JoinRequestsChange, 'list' | 'added' | 'removed'>): void {
    if (change.list) {
      this.byJid.clear();
      for (const request of change.list) this.byJid.set(request.jid, request);
      const meanwhile = this.replay ?? [];
      this.replay = null;
      for (const earlier of meanwhile) this.apply(earlier);
    } else {
      this.replay?.push(change);
    }
    for (const request of change.added ?? []) this.byJid.set(request.jid, request);
    for (const jid of change.removed ?? []) this.byJid.delete(jid);
  }

  /** A list request failed: stop keeping changes for it. */
  abandonListing(): void {
    this.replay = null;
  }
}

export function newestFirst(a: JoinRequest, b: JoinRequest): number {
  return a.time === b.time ? a.jid.localeCompare(b.jid) : b.time.localeCompare(a.time);
}

/**
 * For each request, how many of `requests` came from the same address in the
 * hour before `now`: a burst from one address is what spam looks like.
 */
export function sameAddressLastHour(requests: readonly JoinRequest[], now: number): Map<string, number> {
  const since = now - 3_600_000;
  const perAddress = new Map<string, number>();
  for (const request of requests) {
    if (request.ip !== undefined && Date.parse(request.time) >= since) perAddress.set(request.ip, (perAddress.get(request.ip) ?? 0) + 1);
  }
  return new Map(requests.map((request) => [request.jid, request.ip === undefined ? 0 : (perAddress.get(request.ip) ?? 0)]));
}

/** The words of a notification for `count` new requests to join `domain`. */
export function requestNoticeTitle(count: number, domain: string): string {
  return count === 1 ? `Someone asks to join ${domain}` : `${count} people ask to join ${domain}`;
}

/**
 * The Prosody config line that adds a "Why do you want to join?" field to the
 * registration form (mod_register_ibr's `additional_registration_fields`):
 * what a newcomer writes there comes with their request.
 */
export const REASON_FIELD_CONFIG = 'additional_registration_fields = { { name = "reason", type = "text-multi", label = "Why do you want to join?" } }';
