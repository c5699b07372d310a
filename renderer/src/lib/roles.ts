/**
 * Roles an invite can give its accounts, in an admin's words. Prosody's own
 * roles have names people know; a server's custom roles (custom_roles) go by
 * their own name, and may do whatever that server's config lets them.
 */

import { i18n, tIn, type Language, type MessageKey } from './i18n/index.svelte';

const LABELS: Readonly<Record<string, MessageKey>> = {
  'prosody:guest': 'role.guest',
  'prosody:registered': 'role.registered',
  'prosody:member': 'role.member',
  'prosody:admin': 'role.admin',
  'prosody:operator': 'role.operator',
};

/** The role an admin may give when the server lists none it allows (ServerInfo.inviteRoles unknown). */
export const ADMIN_ROLE = 'prosody:admin';

/** No more than what an account made by signing up gets anyway: safe to carry over to the next batch. */
const AT_MOST_DEFAULT: ReadonlySet<string> = new Set(['', 'prosody:guest', 'prosody:registered']);

/** Roles that cannot administer anything: they need no confirmation. */
const UP_TO_MEMBER: ReadonlySet<string> = new Set([...AT_MOST_DEFAULT, 'prosody:member']);

/** "Administrator" for prosody:admin (in `language`, the app's unless said); a custom role by its own name; "" for the server's default. */
export function roleLabel(role: string | undefined, language: Language = i18n.language): string {
  if (!role) return '';
  const key = LABELS[role];
  return key ? tIn(language, key) : role;
}

/** Whether a batch may start from this role again: never one above what signing up gives. */
export function mayCarryOver(role: string): boolean {
  return AT_MOST_DEFAULT.has(role);
}

/**
 * Whether making an invite with this role asks first: every role above
 * Member, and every custom role, which may rank low and still hold an
 * admin's permission.
 */
export function needsConfirmation(role: string): boolean {
  return !UP_TO_MEMBER.has(role);
}

/** What an account with this role may do, in a sentence, for the confirmation that names it. */
export function rolePowers(role: string): string {
  switch (role) {
    case 'prosody:admin':
      return tIn(i18n.language, 'role.powersAdmin');
    case 'prosody:operator':
      return tIn(i18n.language, 'role.powersOperator');
    default:
      return tIn(i18n.language, 'role.powersCustom', { role });
  }
}
