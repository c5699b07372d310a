import { randomUUID } from 'node:crypto';
import type { Client } from '@xmpp/client-core';
import { TimeoutError } from '@xmpp/events';
import type { IqCaller } from '@xmpp/iq/caller.js';
import jid, { type JID } from '@xmpp/jid';
import type { Middleware } from '@xmpp/middleware';
import StanzaError from '@xmpp/middleware/lib/StanzaError.js';
import type { Element } from '@xmpp/xml';
import { AdminError } from '../../../common/errors';

interface Waiter {
  /** Whom the request went to: only a reply from there counts. */
  to: string | undefined;
  resolve(reply: Element): void;
  reject(error: Error): void;
}

function parseJid(value: string | undefined): JID | null {
  if (value === undefined || value === '') return null;
  try {
    return jid(value);
  } catch {
    return null;
  }
}

/**
 * Whether `from` may answer a request sent to `to` (RFC 6120 §8.1.2.1 and
 * §10.3.3): the entity asked, or, for a request to our own account (no `to`,
 * or our bare JID), the server speaking for it with no `from`, our bare JID or
 * our full JID. Anything else, such as another account that learnt a pending
 * id, is not a reply to us.
 */
export function isReplyFrom(from: string | undefined, to: string | undefined, self: JID | null | undefined): boolean {
  const sender = parseJid(from);
  const target = parseJid(to);
  if (from !== undefined && from !== '' && sender === null) return false;
  const ownBare = self ? self.bare() : null;
  const toOwnAccount = target === null || (ownBare !== null && target.equals(ownBare));
  if (toOwnAccount) {
    return sender === null || (ownBare !== null && (sender.equals(ownBare) || (self ? sender.equals(self) : false)));
  }
  return sender !== null && sender.equals(target);
}

/**
 * Sends an iq and waits for its reply, or a timeout. xmpp.js' own caller
 * awaits `send()` before it listens to the reply's promise, so an error reply
 * that arrives while the stanza is still being written (a fast `forbidden`)
 * rejects a promise nobody observes yet: an unhandled rejection, which in
 * Electron's main process is a crash report. Here the reply, the timeout and
 * the send are awaited together from the start. A reply counts only from the
 * entity asked (`isReplyFrom`), and every pending request fails with
 * `not-connected` as soon as the stream drops, rather than at its timeout.
 */
export function createIqRequester({ entity, middleware }: { entity: Client; middleware: Middleware }): IqCaller {
  const waiting = new Map<string, Waiter>();

  middleware.use(({ name, type, id, stanza }, next) => {
    const waiter = name === 'iq' && (type === 'result' || type === 'error') ? waiting.get(id) : undefined;
    if (!waiter || !isReplyFrom(stanza.attrs.from, waiter.to, entity.jid)) return next();
    waiting.delete(id);
    if (type === 'result') waiter.resolve(stanza);
    else waiter.reject(StanzaError.fromElement(stanza.getChild('error')));
    return undefined;
  });

  entity.on('status', (status: string) => {
    if (status !== 'disconnect') return;
    const dropped = [...waiting.values()];
    waiting.clear();
    for (const waiter of dropped) waiter.reject(new AdminError('not-connected', 'The connection to the server was lost before it answered. Wait until it is back online, then try again.'));
  });

  return {
    async request(stanza, timeoutMs = 30_000) {
      const id = (stanza.attrs.id ??= randomUUID());
      let timer: ReturnType<typeof setTimeout> | undefined;
      const reply = new Promise<Element>((resolve, reject) => {
        waiting.set(id, { to: stanza.attrs.to, resolve, reject });
        timer = setTimeout(() => reject(new TimeoutError(`no reply to iq ${id} within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        const [, answer] = await Promise.all([entity.send(stanza), reply]);
        return answer;
      } finally {
        clearTimeout(timer);
        waiting.delete(id);
      }
    },
  };
}
