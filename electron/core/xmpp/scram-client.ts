import { createHash, createHmac, pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { ChannelBindingData } from './channel-binding';
import type { FastToken } from './fast-token';

/**
 * SCRAM (RFC 5802, RFC 7677) client computations. PBKDF2 runs as one
 * `node:crypto` call: the stock xmpp.js mechanism awaits 10,000 HMACs one
 * by one, which costs about 3 s per sign-in.
 */

export type ScramMechanism = 'SCRAM-SHA-1' | 'SCRAM-SHA-256';

const HASH: Record<ScramMechanism, { name: 'sha1' | 'sha256'; bytes: number }> = {
  'SCRAM-SHA-1': { name: 'sha1', bytes: 20 },
  'SCRAM-SHA-256': { name: 'sha256', bytes: 32 },
};

/** What a saved profile keeps instead of the password (RFC 5802 §3): enough to sign in, not the password. */
export interface SaltedCredentials {
  mechanism: ScramMechanism;
  /** Base64, as the server sent it. */
  salt: string;
  iterations: number;
  /** Base64. */
  clientKey: string;
  /** Base64. */
  serverKey: string;
  /** A FAST token (XEP-0484) from a SASL2 sign-in, kept and sealed with the keys it stands beside. */
  fast?: FastToken;
}

/** Refused as absurd: below the RFC's minimum, or so high that a hostile server could stall the app. */
export const MIN_ITERATIONS = 4096;
export const MAX_ITERATIONS = 1_000_000;

const pbkdf2Async = promisify(pbkdf2);

export class ScramError extends Error {
  /** `stale-credentials`: the server's salt or iteration count changed, so the saved keys no longer fit. */
  readonly reason: 'stale-credentials' | 'bad-server-message' | 'server-error' | 'server-signature';

  constructor(reason: ScramError['reason'], message: string) {
    super(message);
    this.name = 'ScramError';
    this.reason = reason;
  }
}

export async function saltedPassword(mechanism: ScramMechanism, password: string, salt: Buffer, iterations: number): Promise<Buffer> {
  const { name, bytes } = HASH[mechanism];
  return pbkdf2Async(Buffer.from(password.normalize('NFKC'), 'utf8'), salt, iterations, bytes, name);
}

export function scramKeys(mechanism: ScramMechanism, salted: Buffer): { clientKey: Buffer; serverKey: Buffer } {
  const { name } = HASH[mechanism];
  return {
    clientKey: createHmac(name, salted).update('Client Key').digest(),
    serverKey: createHmac(name, salted).update('Server Key').digest(),
  };
}

/** RFC 5802 §5.1: `=` and `,` are escaped in the username. */
function saslName(value: string): string {
  return value.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

function parseAttributes(message: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const part of message.split(',')) {
    const eq = part.indexOf('=');
    if (eq !== 1) throw new ScramError('bad-server-message', 'The server sent a SCRAM message Invite Desk cannot read.');
    attributes.set(part.slice(0, 1), part.slice(2));
  }
  return attributes;
}

export type ScramSecret = { password: string } | { salted: SaltedCredentials };

/**
 * The GS2 channel-binding flag (RFC 5802 §6): `p` binds to the TLS channel
 * (the `-PLUS` mechanisms); `y` says the client could have but the server did
 * not offer it, so a server that does can spot a downgrade; `n` says neither.
 */
export type GS2Binding = { flag: 'p'; binding: ChannelBindingData } | { flag: 'y' } | { flag: 'n' };

function gs2Header(gs2: GS2Binding): string {
  return gs2.flag === 'p' ? `p=${gs2.binding.type},,` : `${gs2.flag},,`;
}

/**
 * One SCRAM exchange: `first()`, then `final(serverFirst)`, then
 * `verify(serverFinal)`. After `final`, `credentials` holds the salted keys
 * to save for password-less sign-in next time.
 */
export class ScramExchange {
  readonly mechanism: ScramMechanism;
  private readonly username: string;
  private readonly secret: ScramSecret;
  private readonly clientNonce: string;
  private readonly gs2: GS2Binding;
  private clientFirstBare = '';
  private expectedServerSignature: Buffer | null = null;
  credentials: SaltedCredentials | null = null;

  constructor(mechanism: ScramMechanism, username: string, secret: ScramSecret, clientNonce = randomBytes(24).toString('base64'), gs2: GS2Binding = { flag: 'n' }) {
    this.mechanism = mechanism;
    this.username = username;
    this.secret = secret;
    this.clientNonce = clientNonce;
    this.gs2 = gs2;
  }

  /** The name on the wire: the `-PLUS` variant when bound to the channel. The saved keys are the same for both. */
  get wireMechanism(): string {
    return this.gs2.flag === 'p' ? `${this.mechanism}-PLUS` : this.mechanism;
  }

  first(): string {
    this.clientFirstBare = `n=${saslName(this.username)},r=${this.clientNonce}`;
    return `${gs2Header(this.gs2)}${this.clientFirstBare}`;
  }

  async final(serverFirst: string): Promise<string> {
    const attributes = parseAttributes(serverFirst);
    const error = attributes.get('e');
    if (error !== undefined) throw new ScramError('server-error', `The server refused the sign-in (${error.slice(0, 100)}).`);
    const nonce = attributes.get('r') ?? '';
    const saltText = attributes.get('s') ?? '';
    const iterations = Number(attributes.get('i'));
    if (!nonce.startsWith(this.clientNonce) || nonce.length <= this.clientNonce.length) {
      throw new ScramError('bad-server-message', 'The server answered the sign-in with a nonce that is not ours.');
    }
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(saltText)) throw new ScramError('bad-server-message', 'The server sent an unreadable salt.');
    if (!Number.isInteger(iterations) || iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
      throw new ScramError('bad-server-message', `The server asked for ${String(attributes.get('i'))} iterations, outside ${MIN_ITERATIONS} to ${MAX_ITERATIONS}.`);
    }

    let clientKey: Buffer;
    let serverKey: Buffer;
    if ('password' in this.secret) {
      ({ clientKey, serverKey } = scramKeys(this.mechanism, await saltedPassword(this.mechanism, this.secret.password, Buffer.from(saltText, 'base64'), iterations)));
    } else {
      const saved = this.secret.salted;
      if (saved.mechanism !== this.mechanism || saved.salt !== saltText || saved.iterations !== iterations) {
        throw new ScramError('stale-credentials', 'The server changed how it stores the password, so the saved sign-in no longer works.');
      }
      clientKey = Buffer.from(saved.clientKey, 'base64');
      serverKey = Buffer.from(saved.serverKey, 'base64');
    }

    const { name } = HASH[this.mechanism];
    // RFC 5802 §7: c= carries the GS2 header, and the binding data itself when bound.
    const header = Buffer.from(gs2Header(this.gs2), 'utf8');
    const channel = this.gs2.flag === 'p' ? Buffer.concat([header, this.gs2.binding.data]) : header;
    const withoutProof = `c=${channel.toString('base64')},r=${nonce}`;
    const authMessage = `${this.clientFirstBare},${serverFirst},${withoutProof}`;
    const storedKey = createHash(name).update(clientKey).digest();
    const signature = createHmac(name, storedKey).update(authMessage).digest();
    const proof = Buffer.alloc(clientKey.length);
    for (let i = 0; i < proof.length; i++) proof[i] = (clientKey[i] ?? 0) ^ (signature[i] ?? 0);
    this.expectedServerSignature = createHmac(name, serverKey).update(authMessage).digest();
    this.credentials = {
      mechanism: this.mechanism,
      salt: saltText,
      iterations,
      clientKey: clientKey.toString('base64'),
      serverKey: serverKey.toString('base64'),
    };
    return `${withoutProof},p=${proof.toString('base64')}`;
  }

  /** Proves the server knew the password too (mutual authentication). */
  verify(serverFinal: string): void {
    const attributes = parseAttributes(serverFinal);
    const error = attributes.get('e');
    if (error !== undefined) throw new ScramError('server-error', `The server refused the sign-in (${error.slice(0, 100)}).`);
    const given = Buffer.from(attributes.get('v') ?? '', 'base64');
    const expected = this.expectedServerSignature;
    if (!expected || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new ScramError('server-signature', 'The server could not prove it knows your password. Someone may be impersonating it.');
    }
  }
}
