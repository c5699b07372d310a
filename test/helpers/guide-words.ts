import { IntlMessageFormat } from 'intl-messageformat';
import type { GuideWords, SetupGuide } from '../../common/setup-guide';
import { en } from '../../renderer/src/lib/i18n/en';

/** A guide's words as the app shows them in English (as SetupSteps words them), for tests to read. */
export function guideEnglish(guide: SetupGuide, words: GuideWords | undefined): string {
  if (!words) return '';
  const say = (w: GuideWords, extra: Record<string, string> = {}): string =>
    String(new IntlMessageFormat((en as Record<string, string>)[w.id] ?? `missing key ${w.id}`, 'en').format({ ...extra, ...w.values }));
  return say(words, { target: say(guide.target) });
}
