/**
 * Errors that cross the seam between UI and backend. The code is stable and
 * machine-readable; the message is written for an admin and says what to do next.
 */
export const ERROR_CODES = [
  'auth-failed',
  'password-required',
  'not-admin',
  'unreachable',
  'tls-untrusted',
  'feature-missing',
  'timeout',
  'invalid-input',
  'not-connected',
  'server-error',
  /** Another admin changed it first: nothing was done, and the message says who and when. */
  'conflict',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface AdminErrorShape {
  code: ErrorCode;
  message: string;
  detail?: unknown;
}

/** Detail carried by `tls-untrusted`: what the admin needs to decide whether to trust. */
export interface UntrustedCertificateDetail {
  /** SHA-256 fingerprint as colon-separated upper-case hex pairs, as browsers show it. */
  fingerprint: string;
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  /** Why the system refused it, e.g. DEPTH_ZERO_SELF_SIGNED_CERT. */
  reason: string;
  /** The fingerprint the profile trusted before, when the server now shows another one. */
  previouslyTrusted?: string;
}

export class AdminError extends Error implements AdminErrorShape {
  readonly code: ErrorCode;
  readonly detail?: unknown;

  constructor(code: ErrorCode, message: string, detail?: unknown) {
    super(message);
    this.name = 'AdminError';
    this.code = code;
    if (detail !== undefined) this.detail = detail;
  }

  toJSON(): AdminErrorShape {
    return this.detail === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, detail: this.detail };
  }

  static from(shape: AdminErrorShape): AdminError {
    return new AdminError(shape.code, shape.message, shape.detail);
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

export function isAdminErrorShape(value: unknown): value is AdminErrorShape {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return isErrorCode(v.code) && typeof v.message === 'string';
}

/**
 * Anything thrown behind the seam becomes an AdminErrorShape; an unexpected
 * exception is reported as `server-error` without leaking its internals.
 */
export function toAdminErrorShape(error: unknown): AdminErrorShape {
  if (error instanceof AdminError) return error.toJSON();
  if (isAdminErrorShape(error)) return error;
  return {
    code: 'server-error',
    message: 'Something unexpected went wrong. Try again; if it keeps happening, reconnect to the server.',
  };
}
