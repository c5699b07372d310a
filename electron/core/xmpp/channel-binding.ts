import { createHash } from 'node:crypto';
import { TLSSocket } from 'node:tls';
import type { Element } from '@xmpp/xml';

/**
 * TLS channel binding for SCRAM `-PLUS` (RFC 5929, RFC 9266): data that ties
 * the sign-in to this very TLS connection, so that a server that merely holds
 * a certificate we trust (an intercepting proxy) cannot relay it.
 */

export const NS_SASL_CB = 'urn:xmpp:sasl-cb:0';

/** Strongest first: the exporter is unique to the connection, the end-point hash only to the certificate. */
export const CHANNEL_BINDING_TYPES = ['tls-exporter', 'tls-server-end-point'] as const;
export type ChannelBindingType = (typeof CHANNEL_BINDING_TYPES)[number];

export interface ChannelBindingData {
  type: ChannelBindingType;
  data: Buffer;
}

/** The TLS socket under an xmpp.js connection, when there is one (ours wraps it as `socket.socket`). */
export function tlsSocketOf(connectionSocket: unknown): TLSSocket | null {
  const inner = (connectionSocket as { socket?: unknown } | null)?.socket;
  if (inner instanceof TLSSocket) return inner;
  return connectionSocket instanceof TLSSocket ? connectionSocket : null;
}

/** The types the server lists in its XEP-0440 stream feature, or null when it sends none. */
export function advertisedBindings(features: Element): string[] | null {
  const feature = features.getChild('sasl-channel-binding', NS_SASL_CB);
  if (!feature) return null;
  return feature
    .getChildren('channel-binding')
    .map((c) => c.attrs.type)
    .filter((t): t is string => typeof t === 'string');
}

/**
 * RFC 9266: 32 bytes exported with the label `EXPORTER-Channel-Binding` and an
 * empty context. Defined for TLS 1.3 only, where a resumed or renegotiated
 * session cannot make two connections share it.
 */
export function tlsExporter(socket: TLSSocket): Buffer | null {
  if (socket.getProtocol() !== 'TLSv1.3') return null;
  return socket.exportKeyingMaterial(32, 'EXPORTER-Channel-Binding', Buffer.alloc(0));
}

/**
 * RFC 5929 §4.1: the hash of the server's certificate (DER), with the hash
 * function of the certificate's signature, SHA-256 when that is MD5 or SHA-1
 * or names none.
 */
export function serverEndPoint(der: Buffer): Buffer {
  return createHash(signatureHash(der)).update(der).digest();
}

export function channelBindingData(socket: TLSSocket, type: ChannelBindingType): Buffer | null {
  if (type === 'tls-exporter') return tlsExporter(socket);
  const der = socket.getPeerX509Certificate()?.raw;
  return der ? serverEndPoint(der) : null;
}

/** The strongest binding both sides support on this connection, or null. */
export function chooseChannelBinding(socket: TLSSocket | null, advertised: readonly string[] | null): ChannelBindingData | null {
  if (!socket || !advertised) return null;
  for (const type of CHANNEL_BINDING_TYPES) {
    if (!advertised.includes(type)) continue;
    const data = channelBindingData(socket, type);
    if (data) return { type, data };
  }
  return null;
}

/** Whether this client could bind to the connection at all, which the GS2 `y` flag tells the server. */
export function canBind(socket: TLSSocket | null): boolean {
  return socket !== null && tlsExporter(socket) !== null;
}

// Signature algorithm OIDs (RFC 4055, RFC 5758) by the hash they use.
const SIGNATURE_HASHES: Record<string, 'sha224' | 'sha256' | 'sha384' | 'sha512'> = {
  '1.2.840.113549.1.1.14': 'sha224',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.3.1': 'sha224',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};

function signatureHash(der: Buffer): string {
  try {
    return SIGNATURE_HASHES[signatureAlgorithm(der)] ?? 'sha256';
  } catch {
    return 'sha256';
  }
}

/** Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm SEQUENCE { OID, … }, … }: the OID, dotted. */
function signatureAlgorithm(der: Buffer): string {
  const certificate = readTlv(der, 0, 0x30);
  const tbs = readTlv(der, certificate.start, 0x30);
  const algorithm = readTlv(der, tbs.end, 0x30);
  const oid = readTlv(der, algorithm.start, 0x06);
  return decodeOid(der.subarray(oid.start, oid.end));
}

function readTlv(der: Buffer, offset: number, tag: number): { start: number; end: number } {
  if (der[offset] !== tag) throw new Error('unexpected DER tag');
  let length = der[offset + 1] ?? 0;
  let start = offset + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 4) throw new Error('unsupported DER length');
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + (der[start + i] ?? 0);
    start += bytes;
  }
  const end = start + length;
  if (end > der.length) throw new Error('truncated DER');
  return { start, end };
}

function decodeOid(bytes: Buffer): string {
  const first = bytes[0] ?? 0;
  const parts = [Math.min(2, Math.floor(first / 40)), first - 40 * Math.min(2, Math.floor(first / 40))];
  let value = 0;
  for (const byte of bytes.subarray(1)) {
    value = value * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}
