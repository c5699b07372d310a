import type { LedgerInvite, SignupPoint } from '../../../common/api';

/** The local calendar day of a moment, as `YYYY-MM-DD`. */
function dayKey(time: number): string {
  const d = new Date(time);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** Sign-ups on each of the last `days` days, oldest first, today last; days without any count 0. */
export function signupsPerDay(registrations: readonly SignupPoint[], days: number, now = Date.now()): { day: string; count: number }[] {
  // Local midnights of each day and of tomorrow: a sign-up's day is found among them, not formatted per sign-up
  // (thousands of sign-ups, a few dozen days), and a day of a daylight-saving change keeps its real length.
  const today = new Date(now);
  const starts = Array.from({ length: days + 1 }, (_, i) => new Date(today.getFullYear(), today.getMonth(), today.getDate() - (days - 1) + i).getTime());
  const counts = new Array<number>(days).fill(0);
  for (const r of registrations) {
    const time = Date.parse(r.time);
    if (!(time >= (starts[0] ?? 0) && time < (starts[days] ?? 0))) continue;
    let low = 0;
    let high = days - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((starts[middle] ?? Infinity) <= time) low = middle;
      else high = middle - 1;
    }
    counts[low] = (counts[low] ?? 0) + 1;
  }
  return counts.map((count, i) => ({ day: dayKey(starts[i] ?? 0), count }));
}

/** Who brought the most people in: the inviters of sign-ups, most first, ties by name. */
export function topInviters(registrations: readonly SignupPoint[], limit = 5): { inviter: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const r of registrations) if (r.inviter) counts.set(r.inviter, (counts.get(r.inviter) ?? 0) + 1);
  return [...counts]
    .map(([inviter, count]) => ({ inviter, count }))
    .sort((a, b) => b.count - a.count || a.inviter.localeCompare(b.inviter))
    .slice(0, limit);
}

/** Of the invites made since `since`, how many were used at least once. */
export function conversion(invites: readonly LedgerInvite[], since: number): { created: number; used: number } {
  const recent = invites.filter((i) => i.createdAt !== undefined && Date.parse(i.createdAt) >= since);
  return { created: recent.length, used: recent.filter((i) => i.uses.length > 0).length };
}

/** One invite, or the invites of one batch (a print kit), with how many joined with it and how many of them came back. */
export interface TakeUp {
  key: string;
  note?: string;
  createdAt?: string;
  /** Invites in the batch; 1 for a single invite. */
  invites: number;
  joined: number;
  /** Of those who joined, how many signed in again after signing up. */
  signedInSince: number;
}

/** The invites and kits that brought the most members, most first, with how many of each have signed in since. */
export function takeUp(invites: readonly LedgerInvite[], limit = 5): TakeUp[] {
  const groups = new Map<string, TakeUp>();
  for (const invite of invites) {
    const key = invite.batch ?? invite.id;
    const group = groups.get(key) ?? { key, invites: 0, joined: 0, signedInSince: 0 };
    group.invites += 1;
    group.joined += invite.uses.length;
    group.signedInSince += invite.uses.filter((use) => use.signedInAt !== undefined).length;
    group.note ??= invite.note;
    group.createdAt ??= invite.createdAt;
    groups.set(key, group);
  }
  return [...groups.values()]
    .filter((group) => group.joined > 0)
    .sort((a, b) => b.joined - a.joined || (b.createdAt ?? '').localeCompare(a.createdAt ?? '') || a.key.localeCompare(b.key))
    .slice(0, limit);
}
