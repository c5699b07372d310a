const rules = new Intl.PluralRules('en');

/** "1 invite", "3 invites": the count with the noun in the form English wants for it. */
export function count(n: number, one: string, other = `${one}s`): string {
  return `${n} ${rules.select(n) === 'one' ? one : other}`;
}

/** A day as the admin's locale writes it, e.g. "28 Nov 2026"; empty for no date. */
export function day(iso: string | undefined): string {
  return iso ? new Date(iso).toLocaleDateString(undefined, { dateStyle: 'medium' }) : '';
}
