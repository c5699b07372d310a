/**
 * What a window keeps for its next start in its own storage (the sidebar's
 * width, the server it showed): matters of this screen, not of any server.
 * Storage may be refused or full; then nothing is kept, and the defaults do.
 */
export function readKept(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

/** Keeps `value` under `key`, or forgets it for null. */
export function keep(key: string, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // Refused or full: the choice holds until the window closes.
  }
}

/** The server the window showed last: the next start shows it again. */
export const SHOWN_SERVER_KEY = 'invite-desk.shown-server';
