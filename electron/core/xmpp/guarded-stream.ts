import { Client } from '@xmpp/client-core';
import { promise } from '@xmpp/events';
import type { JID } from '@xmpp/jid';
import type { Element } from '@xmpp/xml';
import Parser from '@xmpp/xml/lib/Parser.js';
import XMLError from '@xmpp/xml/lib/XMLError.js';

/** The most one stanza from a server may hold, in characters: far above any real one, far below what hurts. */
export const MAX_STANZA_CHARACTERS = 16 * 1024 * 1024;

/** A server sent a stanza past MAX_STANZA_CHARACTERS: its connection ends, and nothing more of it is read. */
export class StanzaTooLargeError extends Error {
  override readonly name = 'StanzaTooLargeError';

  constructor() {
    super(`the server sent a stanza larger than ${MAX_STANZA_CHARACTERS / (1024 * 1024)} MB`);
  }
}

/**
 * xmpp.js' stream parser, made safe against bytes that are not XMPP (a web
 * server's page, a TLS alert, junk from anyone on the path before STARTTLS).
 * Stock, one bad write can fail twice: after the first `error` the connection
 * detaches its listeners, and a second error in the same chunk is then thrown
 * as an unhandled 'error' event; and an undefined entity such as `&bogus;`
 * throws synchronously out of the socket's data handler. Either kills the
 * process. Here every failure is one `error` event, the first, and the
 * parser ignores everything after it.
 *
 * Nor may a server fill the process's memory, which every session shares:
 * stock, a stanza (an element, a text or an attribute that never ends) is
 * held until it ends, whitespace between stanzas is held until the next one
 * starts, and text between stanzas is kept for as long as the stream lasts.
 * Here a stanza ends its connection once it passes MAX_STANZA_CHARACTERS,
 * whitespace between stanzas (keep-alives) is dropped unread, and other
 * text there is an error.
 */
export class GuardedParser extends Parser {
  private failed = false;
  /** Characters read since the last stanza ended, or the stream opened. */
  private held = 0;
  /** Between stanzas, with nothing of the next one read yet. */
  private idle = false;
  /** Chunks read but not yet parsed: they end nothing (see write). */
  private waiting: string[] = [];

  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (this.failed) return false;
    if (event === 'error') {
      this.failed = true;
      // Nobody may be listening any more: an unheard error must not throw.
      return this.listenerCount('error') > 0 ? super.emit(event, ...args) : false;
    }
    if (event === 'start' || event === 'element') this.held = 0;
    return super.emit(event, ...args);
  }

  override write(data: string): void {
    if (this.failed) return;
    let rest = data;
    if (this.idle) {
      // Keep-alives: whitespace before the next stanza means nothing, and is never held.
      const start = rest.search(/\S/);
      if (start === -1) return;
      rest = rest.slice(start);
      this.idle = false;
    }
    this.held += rest.length;
    if (this.held > MAX_STANZA_CHARACTERS) {
      this.waiting = [];
      this.emit('error', new StanzaTooLargeError());
      return;
    }
    // Stock, the parser joins what it holds of an unfinished text or tag to
    // each chunk and scans it again: a long one costs time by its square. A
    // chunk without < or > ends nothing, so it waits here, and is read with the
    // next chunk that may end something: the same events, each byte read once.
    if (!/[<>]/.test(rest)) {
      this.waiting.push(rest);
      return;
    }
    if (this.waiting.length > 0) {
      rest = this.waiting.join('') + rest;
      this.waiting = [];
    }
    try {
      super.write(rest);
    } catch (error) {
      this.emit('error', new XMLError(error instanceof Error ? error.message : String(error)));
      return;
    }
    // Between stanzas only when no stanza is open and nothing of the next one came after the last tag: a chunk
    // may end inside the next stanza's first tag ("<field"), whose whitespace must then be read, not dropped.
    this.idle = this.cursor === this.root && /^\s*$/.test(rest.slice(rest.lastIndexOf('>') + 1));
  }

  override onText(text: string): void {
    // Text between stanzas: stock, added to the stream's root and kept until the stream ends.
    if (this.cursor !== null && this.cursor === this.root) {
      if (/\S/.test(text)) this.emit('error', new XMLError('the server sent text outside any stanza'));
      return;
    }
    super.onText(text);
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
