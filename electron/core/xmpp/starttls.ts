import { Socket as NetSocket, type Socket } from 'node:net';
import xml, { type Element } from '@xmpp/xml';
import { promise } from '@xmpp/events';
import type { StreamFeatures } from '@xmpp/stream-features';
import { AdminError } from '../../../common/errors';
import { GuardedClient } from './guarded-stream';
import { TrustCheckingTlsSocket, type TlsTrust } from './tls-trust';

export const NS_STARTTLS = 'urn:ietf:params:xml:ns:xmpp-tls';

/**
 * The client, asking for STARTTLS together with its first stream header
 * instead of after the server's features: one round trip less. That is safe
 * because the app never goes on without TLS anyway (it sends no credentials
 * over a plain stream), and `<starttls/>` carries nothing secret. A server
 * without STARTTLS says `<failure/>`, and the sign-in fails as it would have.
 */
export class PipeliningClient extends GuardedClient {
  /** The server's answer to the pipelined `<starttls/>`, while one is awaited. */
  startTlsAnswer: Promise<Element> | null = null;

  override async open(options: { domain: string; lang?: string }): Promise<unknown> {
    // open() writes the header before its first await, so what is written next follows it.
    const opened = super.open(options);
    if (!this.isSecure() && this.startTlsAnswer === null) {
      this.startTlsAnswer = answerTo(this);
      this.send(xml('starttls', { xmlns: NS_STARTTLS })).catch(() => undefined);
    }
    return opened;
  }
}

/** Resolves with the first `<proceed/>` or `<failure/>` of the STARTTLS namespace. */
function answerTo(entity: GuardedClient): Promise<Element> {
  return new Promise((resolve) => {
    const onElement = (element: Element): void => {
      if (!element.is('proceed', NS_STARTTLS) && !element.is('failure', NS_STARTTLS)) return;
      entity.off('element', onElement);
      resolve(element);
    };
    entity.on('element', onElement);
  });
}

/** The STARTTLS stream feature: upgrade the socket through `TrustCheckingTlsSocket` and restart the stream. */
export function startTlsFeature(streamFeatures: StreamFeatures, trust: TlsTrust): void {
  streamFeatures.use('starttls', NS_STARTTLS, async ({ entity: connection }) => {
    const pipelined = connection instanceof PipeliningClient ? connection.startTlsAnswer : null;
    const reply = await (pipelined ?? connection.sendReceive(xml('starttls', { xmlns: NS_STARTTLS })));
    if (!reply.is('proceed', NS_STARTTLS)) {
      throw new AdminError('server-error', `${trust.domain} refused to start TLS. Check the server's certificate configuration.`);
    }
    const secure = new TrustCheckingTlsSocket(trust);
    secure.connect({ socket: connection.socket as unknown as Socket });
    await promise(secure, 'connect');
    connection._attachSocket(secure);
    await connection.restart();
  });
}

/**
 * Sends each write at once instead of holding small ones back (Nagle): a
 * pipelined `<starttls/>` or a burst of iqs would otherwise wait for the
 * server's ACK of the write before it, which over the internet is a round trip.
 */
export function sendWithoutDelay(entity: GuardedClient): void {
  entity.on('connect', () => {
    const socket = entity.socket as unknown as { socket?: unknown } | null;
    const raw = socket?.socket ?? socket;
    if (raw instanceof NetSocket) raw.setNoDelay(true);
  });
}
