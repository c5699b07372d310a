import { AdminError } from '../../common/errors';
import { ScramError } from './xmpp/scram-client';
import { NotXmppError } from './xmpp/client';
import { MAX_STANZA_CHARACTERS, StanzaTooLargeError } from './xmpp/guarded-stream';
import { logUnexpected } from './diagnostics/error-log';

export interface ConnectContext {
  account: string;
  domain: string;
  /** `host:port` actually dialled. */
  address: string;
  /** Whether TLS was started at once (XEP-0368) rather than with STARTTLS. */
  directTls: boolean;
}

interface ErrorLike {
  name?: string;
  code?: string;
  condition?: string;
  text?: string;
  message?: string;
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused',
  ECONNRESET: 'the connection was reset',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  ENOTFOUND: 'the name does not resolve',
  EAI_AGAIN: 'the name could not be looked up',
  ETIMEDOUT: 'the connection timed out',
  EPIPE: 'the connection was closed',
};

/** Turns whatever failed during sign-in into an error an admin can act on. */
export function describeConnectError(error: unknown, ctx: ConnectContext): AdminError {
  if (error instanceof AdminError) return error;
  if (error instanceof ScramError) {
    switch (error.reason) {
      case 'stale-credentials':
        return new AdminError('password-required', `${error.message} Enter the password for ${ctx.account} to sign in again.`);
      case 'server-signature':
        return new AdminError('auth-failed', `${error.message} Do not sign in to ${ctx.address} until you know why.`);
      default:
        return new AdminError('server-error', `${error.message} Check the server's authentication settings.`);
    }
  }
  if (error instanceof NotXmppError) return describeNotXmpp(error, ctx);
  if (error instanceof StanzaTooLargeError) return stanzaTooLarge(ctx.address);
  const e = (typeof error === 'object' && error !== null ? error : {}) as ErrorLike;

  if (e.name === 'SASLError') {
    if (e.condition === 'not-authorized' || e.condition === 'invalid-authzid' || e.condition === 'credentials-expired') {
      return new AdminError('auth-failed', `The server did not accept the password for ${ctx.account}. Check the account and the password, then try again.`);
    }
    if (e.condition === 'account-disabled') {
      // Only Prosody 13 disables accounts, so its shell command is the one to name.
      return new AdminError(
        'auth-failed',
        `The account ${ctx.account} is disabled on the server. Re-enable it there with \`prosodyctl shell user enable ${ctx.account}\`, or sign in with another admin account.`,
      );
    }
    return new AdminError('auth-failed', `Sign-in failed (${e.condition ?? 'unknown reason'}). Check the account and the password, then try again.`);
  }
  if (e.name === 'TimeoutError') {
    return new AdminError('timeout', `${ctx.address} did not answer in time. Check that the address is right, that Prosody is running, and that no firewall drops the connection.`);
  }
  if (e.name === 'StreamError') {
    if (e.condition === 'host-unknown') {
      return new AdminError('invalid-input', `The server at ${ctx.address} does not serve ${ctx.domain}. Check the account's domain, or the server address.`);
    }
    return new AdminError('server-error', `The server closed the connection (${e.condition ?? 'stream error'}${e.text ? `: ${e.text}` : ''}). Check the server log.`);
  }
  if (typeof e.code === 'string' && e.code in NETWORK_CODES) {
    return new AdminError(
      'unreachable',
      `Could not reach ${ctx.address}: ${NETWORK_CODES[e.code]}. Check the server address and port, that Prosody is running, and that the port is open.`,
      { code: e.code },
    );
  }
  if (ctx.directTls && (e.code === 'ERR_SSL_WRONG_VERSION_NUMBER' || e.code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG')) {
    return new AdminError(
      'unreachable',
      `${ctx.address} does not speak TLS at once: it looks like a STARTTLS port. Untick "Direct TLS", or enter the server's direct TLS port (often 5223).`,
      { code: e.code },
    );
  }
  if (typeof e.code === 'string' && e.code.startsWith('ERR_SSL')) {
    return new AdminError('server-error', `The TLS handshake with ${ctx.address} failed (${e.code}). Check the server's TLS settings.`);
  }
  return new AdminError('server-error', `Connecting to ${ctx.address} failed: ${e.message ?? 'unknown error'}.${logUnexpected(`connecting to ${ctx.address}`, error)}`);
}

/** Why a connection ended whose server sent a stanza past the size limit. */
export function stanzaTooLarge(address: string): AdminError {
  return new AdminError('server-error', `${address} sent a stanza larger than ${MAX_STANZA_CHARACTERS / (1024 * 1024)} MB, so the connection to it was closed. Check the server's log and its modules.`);
}

/** A TLS record starts with its content type (0x15 an alert, 0x16 a handshake), then the major version 3. */
function looksLikeTls(bytes: string): boolean {
  const type = bytes.charCodeAt(0);
  return (type === 0x15 || type === 0x16) && bytes.charCodeAt(1) === 0x03;
}

/** The server answered, but not as XMPP: say what it looks like and what to check. */
function describeNotXmpp(error: NotXmppError, ctx: ConnectContext): AdminError {
  const detail = { code: 'not-xmpp' };
  // A status line, or a page without one: Python's http.server answers a line it cannot read as HTTP/0.9, with the page alone.
  if (error.firstBytes.startsWith('HTTP/') || /^\s*<(?:!doctype html|html|head|body)\b/i.test(error.firstBytes)) {
    return new AdminError('unreachable', `${ctx.address} is a web server (it answered with HTTP), not an XMPP server. Check the port: XMPP clients use 5222, or 5223 for direct TLS.`, detail);
  }
  if (!ctx.directTls && looksLikeTls(error.firstBytes)) {
    return new AdminError('unreachable', `${ctx.address} expects TLS at once (direct TLS). Tick "Direct TLS", or enter the server's STARTTLS port (often 5222).`, detail);
  }
  if (error.closed && error.firstBytes === '') {
    const tlsHint = ctx.directTls ? '' : ' If it is a direct TLS port (often 5223), tick "Direct TLS".';
    return new AdminError('unreachable', `${ctx.address} closed the connection before the XMPP stream opened.${tlsHint} Check that this is the server's XMPP port and that Prosody is running there.`, detail);
  }
  return new AdminError('unreachable', `${ctx.address} did not answer as an XMPP server (${error.message}). Check the server address and port.`, detail);
}

/** An error from an iq sent on an open session, in an admin's words. */
export function describeRequestError(error: unknown, what: string): AdminError {
  if (error instanceof AdminError) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as ErrorLike;
  if (e.name === 'TimeoutError') return new AdminError('timeout', `The server did not answer while ${what}. Try again; if it keeps happening, reconnect.`);
  if (e.name === 'StanzaError') {
    if (e.condition === 'forbidden' || e.condition === 'not-authorized') {
      return new AdminError('not-admin', `The server does not allow this account to do this (${what}). Sign in with an admin account.`);
    }
    if (e.condition === 'service-unavailable' || e.condition === 'feature-not-implemented' || e.condition === 'item-not-found') {
      return new AdminError('feature-missing', `The server does not offer this (${what}). See the server overview for the module that enables it.`);
    }
    if (e.condition === 'internal-server-error') return new AdminError('server-error', `The server failed while ${what}. Its log says why.`);
    // The server's own words may help, but only as a short line of plain text.
    const said = (e.text ?? '').replace(/[\p{Cc}\p{Cf}]+/gu, ' ').replace(/\s+/g, ' ').trim().slice(0, 200);
    return new AdminError('server-error', `The server refused while ${what}${said ? `: “${said}”` : ''}.`);
  }
  return new AdminError('server-error', `Something went wrong while ${what}: ${e.message ?? 'unknown error'}.${logUnexpected(what, error)}`);
}
