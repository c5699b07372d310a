import { createHmac, timingSafeEqual } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { Element } from '@xmpp/xml';
import { tlsExporter } from './channel-binding';

/**
 * FAST (XEP-0484): a token the server hands out at sign-in, which signs in
 * next time in one round trip, without SCRAM's challenge. It stands in for
 * the password like the salted keys, so it is kept and sealed with them.
 */

export const NS_FAST = 'urn:xmpp:fast:0';

/** Bound to the TLS connection (tls-exporter) where TLS 1.3 allows, else not bound. */
export type FastMechanism = 'HT-SHA-256-EXPR' | 'HT-SHA-256-NONE';

export interface FastToken {
  mechanism: FastMechanism;
  token: string;
  /** ISO 8601, as the server sent it. */
  expiry: string;
  /** The user-agent id the token was issued to: the server looks the token up by it. */
  clientId: string;
}

/** The mechanism to ask a new token for: bound to the channel when the server and this connection allow. */
export function fastMechanismFor(offered: readonly string[], socket: TLSSocket | null): FastMechanism | null {
  if (offered.includes('HT-SHA-256-EXPR') && socket && tlsExporter(socket)) return 'HT-SHA-256-EXPR';
  return offered.includes('HT-SHA-256-NONE') ? 'HT-SHA-256-NONE' : null;
}

/** The token, when it is still valid, the server offers its mechanism, and (for -EXPR) this connection can bind. */
export function usableToken(token: FastToken | undefined, offered: readonly string[], socket: TLSSocket | null, now = Date.now()): FastToken | null {
  if (!token || !offered.includes(token.mechanism)) return null;
  if (!(Date.parse(token.expiry) > now)) return null;
  if (token.mechanism === 'HT-SHA-256-EXPR' && !(socket && tlsExporter(socket))) return null;
  return token;
}

function bindingData(token: FastToken, socket: TLSSocket | null): Buffer {
  if (token.mechanism === 'HT-SHA-256-NONE') return Buffer.alloc(0);
  const data = socket ? tlsExporter(socket) : null;
  if (!data) throw new Error('tls-exporter is not available on this connection');
  return data;
}

const hmac = (token: FastToken, label: string, cb: Buffer): Buffer => createHmac('sha256', token.token).update(Buffer.concat([Buffer.from(label), cb])).digest();

/** The initial response of an HT-* mechanism: the username, NUL, and HMAC(token, "Initiator" ‖ channel binding). */
export function fastInitialResponse(username: string, token: FastToken, socket: TLSSocket | null): Buffer {
  return Buffer.concat([Buffer.from(`${username}\0`, 'utf8'), hmac(token, 'Initiator', bindingData(token, socket))]);
}

/** Whether the server's additional data proves it holds the token too: HMAC(token, "Responder" ‖ channel binding). */
export function fastServerProof(token: FastToken, socket: TLSSocket | null, additionalData: Buffer): boolean {
  const expected = hmac(token, 'Responder', bindingData(token, socket));
  return additionalData.length === expected.length && timingSafeEqual(additionalData, expected);
}

/** A `<token/>` from a SASL2 success, or null when it is absent or malformed. */
export function readToken(success: Element, mechanism: FastMechanism, clientId: string): FastToken | null {
  const element = success.getChild('token', NS_FAST);
  const token = element?.attrs.token;
  const expiry = element?.attrs.expiry;
  if (typeof token !== 'string' || typeof expiry !== 'string' || token.length === 0 || token.length > 1000) return null;
  if (Number.isNaN(Date.parse(expiry))) return null;
  return { mechanism, token, expiry, clientId };
}
