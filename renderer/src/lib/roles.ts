/**
 * Roles an invite can give its accounts, in an admin's words. Prosody's own
 * roles have names people know; a server's custom roles (custom_roles) go by
 * their own name, and may do whatever that server's config lets them.
 */

const LABELS: Readonly<Record<string, string>> = {
  'prosody:guest': 'Guest',
  'prosody:registered': 'Registered',
  'prosody:member': 'Member',
  'prosody:admin': 'Administrator',
  'prosody:operator': 'Operator',
};

/** No more than what an account made by signing up gets anyway: safe to carry over to the next batch. */
const AT_MOST_DEFAULT: ReadonlySet<string> = new Set(['', 'prosody:guest', 'prosody:registered']);

/** Roles that cannot administer anything: they need no confirmation. */
const UP_TO_MEMBER: ReadonlySet<string> = new Set([...AT_MOST_DEFAULT, 'prosody:member']);

/** "Administrator" for prosody:admin; a custom role by its own name; "" for the server's default. */
export function roleLabel(role: string | undefined): string {
  if (!role) return '';
  return LABELS[role] ?? role;
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

/** What an account with this role may do, for the confirmation that names it. */
export function rolePowers(role: string): string {
  switch (role) {
    case 'prosody:admin':
      return "can change the server's settings, delete accounts and make other admins";
    case 'prosody:operator':
      return 'can run the whole server: every host, its modules and its admins, and can make other operators';
    default:
      return "may do whatever this server's config (custom_roles) allows that role, which can include administering the server";
  }
}
