import { PROSODY_SERIES, type GuideWords, type ProsodySeries, type SetupGuide, type SetupStep } from '../../../common/setup-guide';
import { isMessageKey } from './i18n/index.svelte';

/**
 * The steps an error from the backend carries in its detail (a refused admin
 * account's, say). The detail crossed a process boundary, so it is a guide
 * only if it has a guide's shape and every word it names is in the catalogs.
 */
export function guideIn(detail: unknown): SetupGuide | undefined {
  if (typeof detail !== 'object' || detail === null) return undefined;
  const { series, target, summary, steps } = detail as Record<string, unknown>;
  if (!PROSODY_SERIES.includes(series as ProsodySeries)) return undefined;
  if (!isWords(target) || !isWords(summary) || !Array.isArray(steps) || steps.length > MAX_STEPS || !steps.every(isStep)) return undefined;
  return { series: series as ProsodySeries, target, summary, steps };
}

const MAX_STEPS = 10;
const MAX_CODE = 2_000;

function isWords(value: unknown): value is GuideWords {
  if (typeof value !== 'object' || value === null) return false;
  const { id, values } = value as Record<string, unknown>;
  if (!isMessageKey(id)) return false;
  if (values === undefined) return true;
  return typeof values === 'object' && values !== null && Object.values(values).every((v) => typeof v === 'string' && v.length <= MAX_CODE);
}

function isStep(value: unknown): value is SetupStep {
  if (typeof value !== 'object' || value === null) return false;
  const { title, kind, code, note } = value as Record<string, unknown>;
  return isWords(title) && (kind === 'shell' || kind === 'config') && typeof code === 'string' && code.length <= MAX_CODE && (note === undefined || isWords(note));
}
