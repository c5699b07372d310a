/** Most invites one call may create: a print kit of a few pages, not a flood. Zod-free, so the UI can check it too. */
export const MAX_INVITES_PER_CALL = 500;
/** Sign-ups kept in memory for each server, in the backend and in each window: the newest, oldest dropped first. */
export const RECENT_SIGNUPS_PER_SERVER = 10_000;
