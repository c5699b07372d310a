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

const catalogs: Record<Language, Readonly<Record<MessageKey, string>>> = { en, de, fr, 'en-XA': pseudoCatalog(en) };

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

// A cache of parsed messages, not state: nothing renders from it directly.
// eslint-disable-next-line svelte/prefer-svelte-reactivity
const formats = new Map<string, IntlMessageFormat>();

/** A catalog message in `language`, with its ICU arguments (plurals by CLDR rules, numbers and dates by Intl). */
export function tIn(language: Language, key: MessageKey, values?: Record<string, PrimitiveType>): string {
  const id = `${language}\u0000${key}`;
  let format = formats.get(id);
  if (!format) {
    format = new IntlMessageFormat(catalogs[language][key], language);
    formats.set(id, format);
  }
  return String(format.format(values));
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
const relativeTimes = new Map<Language, Intl.RelativeTimeFormat>();
// eslint-disable-next-line svelte/prefer-svelte-reactivity
const dateTimes = new Map<Language, Intl.DateTimeFormat>();

/** How long ago `iso` was, in the app's language: "now", "2 minutes ago", "3 hours ago", else the day ("on 28 Nov 2026"). */
export function ago(iso: string, now = Date.now()): string {
  const minutes = Math.round(Math.max(0, now - Date.parse(iso)) / 60_000);
  const hours = Math.round(minutes / 60);
  if (hours >= 24) return t('time.onDay', { date: day(iso) });
  let relative = relativeTimes.get(i18n.language);
  if (!relative) relativeTimes.set(i18n.language, (relative = new Intl.RelativeTimeFormat(i18n.language, { numeric: 'auto' })));
  return minutes < 1 ? relative.format(0, 'second') : minutes < 60 ? relative.format(-minutes, 'minute') : relative.format(-hours, 'hour');
}

/** A moment with its time in the app's language, e.g. "28 Nov 2026, 14:05". */
export function dateTime(iso: string): string {
  let format = dateTimes.get(i18n.language);
  if (!format) dateTimes.set(i18n.language, (format = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' })));
  // A value read once for its words, not state.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  return format.format(new Date(iso));
}
