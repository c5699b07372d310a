import { jid } from '@xmpp/client-core';
import type { Element } from '@xmpp/xml';
import ConnectionTCP from '@xmpp/tcp/lib/Connection.js';
import ConnectionTLS from '@xmpp/tls/lib/Connection.js';
import createMiddleware, { type Middleware } from '@xmpp/middleware';
import createStreamFeatures from '@xmpp/stream-features';
import createIqCaller, { type IqCaller } from '@xmpp/iq/caller.js';
import { createIqRequester } from './iq-requester';
import createIqCallee from '@xmpp/iq/callee.js';
import { resourceBindingFeature } from './bind';
import { saslFeature } from './sasl';
import { sasl2Feature } from './sasl2';
import type { SaltedCredentials, ScramSecret } from './scram-client';
import { TrustCheckingTlsSocket, type TlsTrust } from './tls-trust';
import { GuardedParser, StanzaTooLargeError, type GuardedClient } from './guarded-stream';
import { PipeliningClient, sendWithoutDelay, startTlsFeature } from './starttls';

export interface XmppClientOptions {
  host: string;
  port: number;
  directTls: boolean;
  domain: string;
  username: string;
  /** The password, or the salted keys saved from an earlier sign-in. */
  secret: ScramSecret;
  onSaltedCredentials?: (credentials: SaltedCredentials) => void;
  resource: string;
  trustedFingerprint?: string;
  /** How long the stream may take to open or close. */
  streamTimeoutMs: number;
}

export interface XmppClient {
  entity: GuardedClient;
  iqCaller: IqCaller;
  middleware: Middleware;
}

/**
 * Builds an xmpp.js client from its parts, as `@xmpp/client` does, with
 * differences that matter to an admin tool: TLS goes through
 * `TrustCheckingTlsSocket` (so self-signed servers can be trusted by
 * fingerprint, and nothing else), and sign-in is our own SASL feature (fast
 * SCRAM, saved salted keys, no credentials over an unencrypted stream).
 */
export function createXmppClient(options: XmppClientOptions): XmppClient {
  const trust: TlsTrust = { domain: options.domain };
  if (options.trustedFingerprint !== undefined) trust.trustedFingerprint = options.trustedFingerprint;

  const scheme = options.directTls ? 'xmpps' : 'xmpp';
  const host = options.host.includes(':') && !options.host.startsWith('[') ? `[${options.host}]` : options.host;
  const entity = new PipeliningClient({
    service: `${scheme}://${host}:${options.port}`,
    domain: options.domain,
    timeout: options.streamTimeoutMs,
  });
  entity.jid = jid(options.username, options.domain);
  sendWithoutDelay(entity);

  entity.transports.push(guardedTcpTransport(), trustCheckingTlsTransport(trust));

  const middleware = createMiddleware({ entity });
  const streamFeatures = createStreamFeatures({ middleware });
  // xmpp.js' caller only for resource binding, which runs before the session is online; every other iq goes through ours.
  const bindingIqCaller = createIqCaller({ entity, middleware });
  const iqCallee = createIqCallee({ entity, middleware });
  iqCallee.get('urn:xmpp:ping', 'ping', () => ({}));

  // Stream features: order matters and defines priority.
  startTlsFeature(streamFeatures, trust);

  const binding = resourceBindingFeature(streamFeatures, bindingIqCaller, options.resource);
  const signIn: Parameters<typeof saslFeature>[1] = { username: options.username, domain: options.domain, secret: options.secret, onRestart: () => binding.sendEarly() };
  if (options.onSaltedCredentials) signIn.onSaltedCredentials = options.onSaltedCredentials;
  // SASL2 first: where the server offers it with Bind2, it replaces both SASL and resource binding.
  sasl2Feature(streamFeatures, { ...signIn, tag: 'invite-desk' });
  saslFeature(streamFeatures, signIn);

  return { entity, iqCaller: createIqRequester({ entity, middleware }), middleware };
}

/** Drops the connection at once, without the polite stream close a silent or hostile server would never answer. */
export function destroyConnection(client: XmppClient): void {
  const socket = client.entity.socket as unknown as { destroy?: () => void } | null;
  socket?.destroy?.();
}

/** The xmpp:// transport of xmpp.js, reading the stream with the guarded parser. */
function guardedTcpTransport(): unknown {
  class GuardedConnectionTCP extends ConnectionTCP {}
  GuardedConnectionTCP.prototype.Parser = GuardedParser;
  return GuardedConnectionTCP;
}

/** The xmpps:// transport of xmpp.js, with its socket swapped for one bound to this profile's trust, and the guarded parser. */
function trustCheckingTlsTransport(trust: TlsTrust): unknown {
  class BoundSocket extends TrustCheckingTlsSocket {
    constructor() {
      super(trust);
    }
  }
  class TrustCheckingConnectionTLS extends ConnectionTLS {}
  TrustCheckingConnectionTLS.prototype.Socket = BoundSocket;
  TrustCheckingConnectionTLS.prototype.Parser = GuardedParser;
  return TrustCheckingConnectionTLS;
}

/**
 * Why the stream never opened: the server closed the connection first, or
 * sent bytes that are not XMPP. Carries the first bytes it sent, which tell
 * a web server or a TLS port apart from a broken XMPP server.
 */
export class NotXmppError extends Error {
  override readonly name = 'NotXmppError';
  readonly firstBytes: string;
  readonly closed: boolean;

  constructor(firstBytes: string, closed: boolean) {
    super(closed ? 'the server closed the connection before the stream opened' : 'the server sent something that is not XMPP');
    this.firstBytes = firstBytes;
    this.closed = closed;
  }
}

/** The root of an XMPP stream (RFC 6120 §4.8): <stream:stream> in the streams namespace. */
function isStreamRoot(root: Element | undefined): boolean {
  if (!root) return true; // a stream restart after TLS or SASL reports no element
  return root.name === 'stream:stream' && root.attrs['xmlns:stream'] === 'http://etherx.jabber.org/streams';
}

/**
 * Starts the session. xmpp.js waits for the stream to open until its timeout
 * even when the socket is already closed; here a close or a parse error
 * before the session is online fails the start at once.
 */
export async function startClient(client: XmppClient): Promise<void> {
  const { entity } = client;
  let stop = (): void => undefined;
  let opened = false;
  const failed = new Promise<never>((_, reject) => {
    const onStatus = (status: string, root?: Element): void => {
      // A root that is not an XMPP stream (a web server's <html>) is no stream at all.
      if (status === 'open' && !isStreamRoot(root)) {
        reject(new NotXmppError(entity.firstBytes, false));
        return;
      }
      if (status === 'open') opened = true;
      if (status !== 'disconnect') return;
      // Once a stream opened, the sign-in's own failure (a refused password, say) is the better reason: give it a moment to arrive.
      if (opened) setTimeout(() => reject(Object.assign(new Error('the connection closed during sign-in'), { code: 'ECONNRESET' })), 50);
      else reject(new NotXmppError(entity.firstBytes, true));
    };
    const onError = (error: Error & { code?: string }): void => {
      if (error instanceof StanzaTooLargeError) reject(error);
      else if (error.name === 'XMLError') reject(new NotXmppError(entity.firstBytes, false));
      // A reset before any stream opened is a close without a word (Prosody's direct TLS port answers plain XML so).
      else if (!opened && error.code === 'ECONNRESET') reject(new NotXmppError(entity.firstBytes, true));
    };
    entity.on('status', onStatus);
    entity.on('error', onError);
    stop = () => {
      entity.off('status', onStatus);
      entity.off('error', onError);
    };
  });
  try {
    await Promise.race([entity.start(), failed]);
  } finally {
    stop();
  }
}
