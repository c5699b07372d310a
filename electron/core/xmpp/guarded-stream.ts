import { Client } from '@xmpp/client-core';
import { promise } from '@xmpp/events';
import type { JID } from '@xmpp/jid';
import type { Element } from '@xmpp/xml';
import Parser from '@xmpp/xml/lib/Parser.js';
import XMLError from '@xmpp/xml/lib/XMLError.js';

/**
 * xmpp.js' stream parser, made safe against bytes that are not XMPP (a web
 * server's page, a TLS alert, junk from anyone on the path before STARTTLS).
 * Stock, one bad write can fail twice: after the first `error` the connection
 * detaches its listeners, and a second error in the same chunk is then thrown
 * as an unhandled 'error' event; and an undefined entity such as `&bogus;`
 * throws synchronously out of the socket's data handler. Either kills the
 * process. Here every failure is one `error` event, the first, and the
 * parser ignores everything after it.
 */
export class GuardedParser extends Parser {
  private failed = false;

  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (this.failed) return false;
    if (event === 'error') {
      this.failed = true;
      // Nobody may be listening any more: an unheard error must not throw.
      return this.listenerCount('error') > 0 ? super.emit(event, ...args) : false;
    }
    return super.emit(event, ...args);
  }

  override write(data: string): void {
    if (this.failed) return;
    try {
      super.write(data);
    } catch (error) {
      this.emit('error', new XMLError(error instanceof Error ? error.message : String(error)));
    }
  }
}

/** What the peer sent before the stream opened: enough to tell an HTTP server or a TLS port from XMPP. */
const FIRST_BYTES = 64;

/**
 * The client, with data that arrives after the parser was dropped (once a
 * stream failed, or while it restarts) ignored instead of thrown, and the
 * first bytes of each connection kept to explain a failure.
 */
export class GuardedClient extends Client {
  firstBytes = '';

  /**
   * As xmpp.js' start(), which listens for `online` before it opens the
   * stream and leaves that promise unobserved when opening fails: an
   * unhandled rejection. Here it is always observed.
   */
  override async start(): Promise<JID> {
    if (this.status !== 'offline') throw new Error('Connection is not offline');
    const { service, domain } = this.options;
    await this.connect(service);
    const online = promise<JID>(this, 'online');
    online.catch(() => undefined);
    await this.open({ domain });
    return online;
  }

  /**
   * The stream header, then a newline, which XMPP allows between top-level
   * elements. A web server that reads its request line to the end (Python's
   * http.server) waits for one before it answers; with it, any HTTP server
   * answers at once and is told apart from XMPP, instead of timing out.
   */
  override header(element: Element, ...rest: unknown[]): string {
    return `${super.header(element, ...rest)}\n`;
  }

  override _onData(data: Buffer): void {
    if (this.firstBytes.length < FIRST_BYTES) this.firstBytes += data.subarray(0, FIRST_BYTES - this.firstBytes.length).toString('latin1');
    if (!this.parser) return;
    super._onData(data);
  }
}
