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
