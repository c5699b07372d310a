/** mod_watchregistrations' own message template, Prosody's default for `registration_notification` (never translated: the server writes it). */
export const DEFAULT_REGISTRATION_TEMPLATE = 'User $username just registered on $host from $ip';
