import { describe, expect, it } from 'vitest';
import xml from '@xmpp/xml';
import type { Client } from '@xmpp/client-core';
import type { IncomingContext, Middleware, Next } from '@xmpp/middleware';
import type { Element } from '@xmpp/xml';
import { EventEmitter } from 'node:events';
import jid from '@xmpp/jid';
import { createIqRequester, isReplyFrom } from '../../electron/core/xmpp/iq-requester';

/**
 * The requester's timing, which a real server cannot produce on demand: a
 * stand-in connection whose send() settles only after the reply came in.
 */
function connection(answer: (request: Element) => Element | null): { entity: Client; middleware: Middleware } {
  const routes: ((ctx: IncomingContext, next: Next) => unknown)[] = [];
  const next: Next = () => Promise.resolve();
  const entity = Object.assign(new EventEmitter(), {
    jid: jid('admin@example.org/desk'),
    async send(stanza: Element) {
      const reply = answer(stanza);
      if (reply) for (const route of routes) await route({ stanza: reply, name: reply.name, type: reply.attrs.type ?? '', id: reply.attrs.id ?? '', entity, from: null }, next);
      // The socket reports the write as done only now, after the reply.
      await new Promise((resolve) => setTimeout(resolve, 20));
    },
  }) as unknown as Client;
  return { entity, middleware: { use: (fn) => routes.push(fn) } };
}

const forbidden = (request: Element): Element =>
  xml('iq', { type: 'error', id: request.attrs.id, from: request.attrs.to }, xml('error', { type: 'auth' }, xml('forbidden', { xmlns: 'urn:ietf:params:xml:ns:xmpp-stanzas' })));

describe('the iq requester', () => {
  it('turns an error reply that beats the end of send() into a rejection of the call, never an unhandled one', async () => {
    const unhandled: unknown[] = [];
    const record = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', record);
    try {
      const iq = createIqRequester(connection(forbidden));
      const failure = await iq.request(xml('iq', { type: 'set', to: 'example.org' }), 1000).catch((error: unknown) => error);
      expect(failure).toMatchObject({ name: 'StanzaError', condition: 'forbidden' });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', record);
    }
  });

  it('answers with the reply, and a silent server with a TimeoutError', async () => {
    const iq = createIqRequester(connection((request) => (request.attrs.to === 'quiet.example' ? null : xml('iq', { type: 'result', id: request.attrs.id, from: request.attrs.to }, xml('pong')))));
    expect((await iq.request(xml('iq', { type: 'get', to: 'example.org' }), 1000)).getChild('pong')).toBeTruthy();
    await expect(iq.request(xml('iq', { type: 'get', to: 'quiet.example' }), 50)).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('fails every pending request with not-connected the moment the stream drops', async () => {
    const link = connection(() => null);
    const iq = createIqRequester(link);
    const pending = iq.request(xml('iq', { type: 'get', to: 'example.org' }), 60_000).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 30));
    link.entity.emit('status', 'disconnect');
    expect(await pending).toMatchObject({ code: 'not-connected' });
  });
});

describe('which sender may answer a request', () => {
  const self = jid('admin@example.org/desk');
  it.each([
    ['example.org', 'example.org', true],
    ['Example.ORG', 'example.org', true],
    ['mallory@example.org/x', 'example.org', false],
    [undefined, 'example.org', false],
    ['example.org', 'eve@example.org/phone', false],
    ['eve@example.org', 'eve@example.org/phone', false],
    ['eve@example.org/phone', 'eve@example.org/phone', true],
    // A request to our own account: the server answers for it.
    [undefined, undefined, true],
    ['admin@example.org', undefined, true],
    ['admin@example.org/desk', undefined, true],
    [undefined, 'admin@example.org', true],
    ['mallory@example.org/x', undefined, false],
    ['example.org', undefined, false],
    ['not a jid@', 'example.org', false],
  ])('from %s, to %s: %s', (from, to, accepted) => {
    expect(isReplyFrom(from, to, self)).toBe(accepted);
  });
});
