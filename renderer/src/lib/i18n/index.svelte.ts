import { IntlMessageFormat, type PrimitiveType } from 'intl-messageformat';
import type { Language } from '../../../../common/api';
import type { AdminErrorShape } from '../../../../common/errors';
import { de } from './de';
import { en, type MessageKey } from './en';
import { fr } from './fr';
import { pseudoCatalog } from './pseudo';

export type { Language, MessageKey };

/** The languages offered, with each one's name in itself (en-XA is for testing only). */
export const LANGUAGES: readonly { code: Language; name: string }[] = [
  { code: 'en', name: 'English' },
  { code: 'de', name: 'Deutsch' },
  { code: 'fr', name: 'Français' },
  { code: 'en-XA', name: '[Ƥšéûðö]' },
];

type Catalog = Readonly<Record<MessageKey, string>>;
const catalogs: Partial<Record<Language, Catalog>> = { en, de, fr };

/** A language's catalog; the pseudo-locale is made on first use, as only tests ask for it. */
function catalogOf(language: Language): Catalog {
  return (catalogs[language] ??= pseudoCatalog(en));
}

/** The language of the system (browser or Electron's app locale) that the app speaks, else English. */
export function systemLanguage(preferred: readonly string[] = navigator.languages): Language {
  for (const tag of preferred) {
    const base = tag.toLowerCase().split('-')[0];
    if (base === 'de' || base === 'fr' || base === 'en') return base;
  }
  return 'en';
}

/**
 * The language the app speaks now. Components read it through `t`, so a
 * change re-renders every string at once.
 */
export const i18n = $state<{ language: Language }>({ language: systemLanguage() });

export function setLanguage(choice: Language | 'system'): void {
  const language = choice === 'system' ? systemLanguage() : choice;
  i18n.language = language;
  document.documentElement.lang = language;
}

// IntlMessageFormat checks each message's locale against every locale Intl
// knows, and the first such check loads that whole list (tens of milliseconds,
// before the first screen). The app's languages are its own, known tags.
IntlMessageFormat.resolveLocale = (locales) => new Intl.Locale(Array.isArray(locales) ? (locales[0] ?? 'en') : locales);

// A cache of parsed messages, not state: nothing renders from it directly.
// eslint-disable-next-line svelte/prefer-svelte-reactivity
const formats = new Map<string, IntlMessageFormat>();

/** Text with nothing for ICU to do: no argument, plural, tag or quote. Most messages are such, and need no parser. */
const PLAIN = /^[^{}<']*$/;

/** A catalog message in `language`, with its ICU arguments (plurals by CLDR rules, numbers and dates by Intl). */
export function tIn(language: Language, key: MessageKey, values?: Record<string, PrimitiveType>): string {
  const message = catalogOf(language)[key];
  if (PLAIN.test(message)) return message;
  const id = `${language}\u0000${key}`;
  let format = formats.get(id);
  if (!format) {
    format = new IntlMessageFormat(message, language);
    formats.set(id, format);
  }
  return String(format.format(values));
}

/** Whether `value` names a message of the catalogs: keys that come from elsewhere are checked before use. */
export function isMessageKey(value: unknown): value is MessageKey {
  return typeof value === 'string' && Object.hasOwn(en, value);
}

/** A catalog message in the app's language. */
export function t(key: MessageKey, values?: Record<string, PrimitiveType>): string {
  return tIn(i18n.language, key, values);
}

/** A day as `language` writes it, e.g. "28 Nov 2026" or "28.11.2026"; empty for no date. */
export function dayIn(language: Language, iso: string | undefined): string {
  // A value read once for its words, not state.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  return iso ? new Date(iso).toLocaleDateString(language, { dateStyle: 'medium' }) : '';
}

/** A day in the app's language. */
export function day(iso: string | undefined): string {
  return dayIn(i18n.language, iso);
}

/**
 * A catalog message cut where its `{slot}` argument goes, for markup (a
 * link, a <code>) that sits inside the sentence wherever a language puts it.
 */
export function tAround(key: MessageKey, values?: Record<string, PrimitiveType>): [before: string, after: string] {
  const [before = '', after = ''] = t(key, { ...values, slot: '\u0000' }).split('\u0000');
  return [before, after];
}

/** A number in the app's language, e.g. "1,234" or "1.234". */
export function number(n: number): string {
  return n.toLocaleString(i18n.language);
}

/**
 * An error's words in the app's language, by its stable code. English keeps
 * the backend's own message, which names what to do; other languages say the
 * code's meaning and keep the backend's message beside it (see ErrorNotice).
 */
export function errorText(error: AdminErrorShape): string {
  return i18n.language === 'en' ? error.message : t(`error.${error.code}`);
}

// Formatters kept per language, not state: a list of hundreds of rows makes one, not one per row.
// eslint-disable-next-line svelte/prefer-svelte-reactivity
const dateTimes = new Map<Language, Intl.DateTimeFormat>();

/**
 * How long ago `iso` was, as people say it: "just now", "2 minutes ago",
 * "3 hours ago", else the day ("on 28 Nov 2026"). From the catalogs rather
 * than Intl.RelativeTimeFormat, which says "now" where people say "just now"
 * and knows nothing of the pseudo-locale.
 */
export function ago(iso: string, now = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  const minutes = Math.round(seconds / 60);
  const hours = Math.round(minutes / 60);
  if (seconds < 45) return t('time.justNow');
  if (minutes < 60) return t('time.minutesAgo', { n: minutes });
  if (hours < 24) return t('time.hoursAgo', { n: hours });
  return t('time.onDay', { date: day(iso) });
}

/** A day and time as `language` writes them, e.g. "28 Nov 2026, 14:05" or "28.11.2026, 14:05"; one formatter per language. */
export function dateTimeIn(language: Language, iso: string): string {
  let format = dateTimes.get(language);
  if (!format) dateTimes.set(language, (format = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' })));
  // A value read once for its words, not state.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  return format.format(new Date(iso));
}

/** A moment with its time in the app's language. */
export function dateTime(iso: string): string {
  return dateTimeIn(i18n.language, iso);
}
