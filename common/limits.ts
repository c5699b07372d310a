/** Most invites one call may create: a print kit of a few pages, not a flood. Zod-free, so the UI can check it too. */
export const MAX_INVITES_PER_CALL = 500;
