import { logUnexpected } from './diagnostics/error-log';

/** To the console, and to the error log once the host has one. */
function logEverywhere(message: string, error: unknown): void {
  console.error(message, error);
  logUnexpected(message, error);
}

/**
 * The last line of defence of a host process: an error nobody caught is
 * logged, and the process goes on serving its other sessions. Every known
 * failure is handled where it happens; this only keeps an unknown one from
 * ending every session and losing the keys held in memory. Hosts install it
 * (the preview's script, Electron's main process); tests never do, so that
 * an uncaught error still fails them.
 */
export function keepProcessAlive(log: (message: string, error: unknown) => void = logEverywhere): void {
  process.on('uncaughtException', (error) => log('Invite Desk caught an unexpected error and keeps running:', error));
  process.on('unhandledRejection', (reason) => log('Invite Desk caught an unexpected failure and keeps running:', reason));
}
