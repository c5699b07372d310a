const rules = new Intl.PluralRules('en');

/** The noun in the form English wants for `n` of it: "invite" for 1, "invites" otherwise. */
export function noun(n: number, one: string, other = `${one}s`): string {
  return rules.select(n) === 'one' ? one : other;
}

/** "1 invite", "3 invites": the count with its noun. */
export function count(n: number, one: string, other = `${one}s`): string {
  return `${n} ${noun(n, one, other)}`;
}

/** A day as the admin's locale writes it, e.g. "28 Nov 2026"; empty for no date. */
export function day(iso: string | undefined): string {
  return iso ? new Date(iso).toLocaleDateString(undefined, { dateStyle: 'medium' }) : '';
}

/** How long ago `iso` was, as people say it: "just now", "2 minutes ago", "3 hours ago", or the day. */
export function ago(iso: string, now = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${count(minutes, 'minute')} ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${count(hours, 'hour')} ago`;
  return `on ${day(iso)}`;
}
