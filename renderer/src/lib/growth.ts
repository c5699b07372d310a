import type { LedgerInvite, SignupPoint } from '../../../common/api';

const DAY_MS = 86_400_000;

/** The local calendar day of a moment, as `YYYY-MM-DD`. */
function dayKey(time: number): string {
  const d = new Date(time);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** Sign-ups on each of the last `days` days, oldest first, today last; days without any count 0. */
export function signupsPerDay(registrations: readonly SignupPoint[], days: number, now = Date.now()): { day: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const r of registrations) {
    const key = dayKey(Date.parse(r.time));
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return Array.from({ length: days }, (_, i) => {
    const day = dayKey(now - (days - 1 - i) * DAY_MS);
    return { day, count: counts.get(day) ?? 0 };
  });
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
