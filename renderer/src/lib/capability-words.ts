import type { Capability } from '../../../common/api';
import { t } from './i18n/index.svelte';

/**
 * A server feature's words in the app's language, by its stable id. The
 * backend's English label and description stay for diagnostics; every screen
 * that names a feature (the Server tab, the dashboard's missing features) reads
 * them from here.
 */
export const capabilityName = (capability: Pick<Capability, 'id'>): string => t(`capability.${capability.id}`);
export const capabilityAbout = (capability: Pick<Capability, 'id'>): string => t(`capability.${capability.id}.about`);
export const capabilityState = (capability: Pick<Capability, 'state'>): string => t(`capability.${capability.state}`);
