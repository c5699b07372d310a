import { randomUUID } from 'node:crypto';
import type { Client } from '@xmpp/client-core';
import { TimeoutError } from '@xmpp/events';
import type { IqCaller } from '@xmpp/iq/caller.js';
import type { Middleware } from '@xmpp/middleware';
import StanzaError from '@xmpp/middleware/lib/StanzaError.js';
import type { Element } from '@xmpp/xml';

interface Waiter {
  resolve(reply: Element): void;
  reject(error: Error): void;
}

/**
 * Sends an iq and waits for its reply, or a timeout. xmpp.js' own caller
 * awaits `send()` before it listens to the reply's promise, so an error reply
 * that arrives while the stanza is still being written (a fast `forbidden`)
 * rejects a promise nobody observes yet: an unhandled rejection, which in
 * Electron's main process is a crash report. Here the reply, the timeout and
 * the send are awaited together from the start.
 */
export function createIqRequester({ entity, middleware }: { entity: Client; middleware: Middleware }): IqCaller {
  const waiting = new Map<string, Waiter>();

  middleware.use(({ name, type, id, stanza }, next) => {
    const waiter = name === 'iq' && (type === 'result' || type === 'error') ? waiting.get(id) : undefined;
    if (!waiter) return next();
    waiting.delete(id);
    if (type === 'result') waiter.resolve(stanza);
    else waiter.reject(StanzaError.fromElement(stanza.getChild('error')));
    return undefined;
  });

  return {
    async request(stanza, timeoutMs = 30_000) {
      const id = (stanza.attrs.id ??= randomUUID());
      let timer: ReturnType<typeof setTimeout> | undefined;
      const reply = new Promise<Element>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
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
