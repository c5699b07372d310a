import { Client, jid } from '@xmpp/client-core';
import xml from '@xmpp/xml';
import { promise } from '@xmpp/events';
import tcp from '@xmpp/tcp';
import ConnectionTLS from '@xmpp/tls/lib/Connection.js';
import createMiddleware, { type Middleware } from '@xmpp/middleware';
import createStreamFeatures from '@xmpp/stream-features';
import createIqCaller, { type IqCaller } from '@xmpp/iq/caller.js';
import { createIqRequester } from './iq-requester';
import createIqCallee from '@xmpp/iq/callee.js';
import resourceBinding from '@xmpp/resource-binding';
import { AdminError } from '../../../common/errors';
import { saslFeature } from './sasl';
import type { SaltedCredentials, ScramSecret } from './scram-client';
import { TrustCheckingTlsSocket, type TlsTrust } from './tls-trust';

const NS_STARTTLS = 'urn:ietf:params:xml:ns:xmpp-tls';

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
  entity: Client;
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
  const entity = new Client({
    service: `${scheme}://${host}:${options.port}`,
    domain: options.domain,
    timeout: options.streamTimeoutMs,
  });
  entity.jid = jid(options.username, options.domain);

  tcp({ entity });
  entity.transports.push(trustCheckingTlsTransport(trust));

  const middleware = createMiddleware({ entity });
  const streamFeatures = createStreamFeatures({ middleware });
  // xmpp.js' caller only for resource binding, which needs its get/set helpers; every other iq goes through ours.
  const bindingIqCaller = createIqCaller({ entity, middleware });
  const iqCallee = createIqCallee({ entity, middleware });
  iqCallee.get('urn:xmpp:ping', 'ping', () => ({}));

  // Stream features: order matters and defines priority.
  streamFeatures.use('starttls', NS_STARTTLS, async ({ entity: connection }) => {
    const reply = await connection.sendReceive(xml('starttls', { xmlns: NS_STARTTLS }));
    if (!reply.is('proceed', NS_STARTTLS)) {
      throw new AdminError('server-error', `${options.domain} refused to start TLS. Check the server's certificate configuration.`);
    }
    const secure = new TrustCheckingTlsSocket(trust);
    secure.connect({ socket: connection.socket as unknown as import('node:net').Socket });
    await promise(secure, 'connect');
    connection._attachSocket(secure);
    await connection.restart();
  });

  const signIn: Parameters<typeof saslFeature>[1] = { username: options.username, domain: options.domain, secret: options.secret };
  if (options.onSaltedCredentials) signIn.onSaltedCredentials = options.onSaltedCredentials;
  saslFeature(streamFeatures, signIn);
  resourceBinding({ iqCaller: bindingIqCaller, streamFeatures }, options.resource);

  return { entity, iqCaller: createIqRequester({ entity, middleware }), middleware };
}

/** The xmpps:// transport of xmpp.js, with its socket swapped for one bound to this profile's trust. */
function trustCheckingTlsTransport(trust: TlsTrust): unknown {
  class BoundSocket extends TrustCheckingTlsSocket {
    constructor() {
      super(trust);
    }
  }
  class TrustCheckingConnectionTLS extends ConnectionTLS {}
  TrustCheckingConnectionTLS.prototype.Socket = BoundSocket;
  return TrustCheckingConnectionTLS;
}
