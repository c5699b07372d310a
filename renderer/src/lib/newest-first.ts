import type { Registration } from '../../../common/api';

/**
 * Merges new sign-ups (in the order they arrived, oldest first) into a
 * newest-first list. Sign-ups of the same second, as a catch-up brings them,
 * are newest first too: the later arrival goes on top.
 */
export function newestFirst(arrived: readonly Registration[], shown: readonly Registration[]): Registration[] {
  return [...arrived].reverse().concat(shown).sort((a, b) => Date.parse(b.time) - Date.parse(a.time));
}
