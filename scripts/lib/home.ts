import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** The settings folder: INVITE_DESK_HOME when set, else the platform's per-user config folder. */
export function inviteDeskHome(): string {
  if (process.env.INVITE_DESK_HOME) return resolve(process.env.INVITE_DESK_HOME);
  const base = process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config');
  return join(base, 'invite-desk');
}

/** INVITE_DESK_PORT as a port number; 0 (any free port) when unset. */
export function previewPort(): number {
  const raw = process.env.INVITE_DESK_PORT;
  if (raw === undefined || raw === '') return 0;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`INVITE_DESK_PORT must be a port number between 0 and 65535, not "${raw}".`);
  }
  return port;
}
