import { appendFileSync, mkdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { redact } from './redact';

export const ERROR_LOG_FILE = 'invite-desk.log';
/** Past this size the log moves to `invite-desk.log.1` (replacing the one before) and starts again. */
const MAX_BYTES = 512 * 1024;

/**
 * The log of errors the app did not expect: each with its stack, redacted,
 * in the settings folder. An admin's bug report points to it.
 */
export class ErrorLog {
  readonly path: string;

  constructor(folder: string) {
    this.path = join(folder, ERROR_LOG_FILE);
  }

  record(context: string, error: unknown): void {
    const cause = error instanceof Error && error.cause !== undefined ? `\nCaused by: ${describe(error.cause)}` : '';
    try {
      mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
      this.rotate();
      appendFileSync(this.path, `${new Date().toISOString()} ${redact(`${context}: ${describe(error)}${cause}`)}\n`, { mode: 0o600 });
    } catch {
      // A log that cannot be written must not turn one error into two.
    }
  }

  /** The last `count` lines, redacted again in case an older version wrote them. */
  tail(count: number): string[] {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch {
      return [];
    }
    return text.split('\n').filter((line) => line !== '').slice(-count).map(redact);
  }

  private rotate(): void {
    let size: number;
    try {
      size = statSync(this.path).size;
    } catch {
      return;
    }
    if (size > MAX_BYTES) renameSync(this.path, `${this.path}.1`);
  }
}

/** An error with its stack; anything else as JSON, or as text when it has none. */
function describe(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  if (typeof error === 'string') return error;
  try {
    // undefined, a function or a symbol has no JSON: JSON.stringify gives undefined, whatever its type says.
    const json = JSON.stringify(error) as string | undefined;
    return json === undefined ? typeof error : json;
  } catch {
    return typeof error;
  }
}

let current: ErrorLog | null = null;

/** Where this process logs unexpected errors; set once by the host at start. */
export function useErrorLog(log: ErrorLog | null): void {
  current = log;
}

/**
 * Logs an error the app did not expect, with its stack, and returns the
 * sentence that tells the admin where to find it (empty without a log).
 */
export function logUnexpected(context: string, error: unknown): string {
  if (!current) return '';
  current.record(context, error);
  return ` The details are in ${current.path}.`;
}
