import type { Invite } from './api';

/**
 * The invites a batch made before it failed, from its error's detail: a
 * failed batch still returns what exists on the server, so it can be shown
 * and handed out. Anything that is not such a list reads as none.
 */
export function invitesMadeBeforeFailure(detail: unknown): Invite[] {
  if (typeof detail !== 'object' || detail === null || !('created' in detail) || !Array.isArray(detail.created)) return [];
  return (detail.created as unknown[]).filter(
    (item): item is Invite => typeof item === 'object' && item !== null && typeof (item as Invite).uri === 'string' && typeof (item as Invite).token === 'string',
  );
}
