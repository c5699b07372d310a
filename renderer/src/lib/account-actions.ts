/** What the admin may do to an account from the sign-up feed. */
export type AccountAction = 'delete' | 'disable' | 'enable';
