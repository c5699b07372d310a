import { randomUUID } from 'node:crypto';
import xml, { type Element } from '@xmpp/xml';
import type { Client } from '@xmpp/client-core';
import type { StreamFeatures } from '@xmpp/stream-features';
import { advertisedBindings, canBind, chooseChannelBinding, tlsSocketOf } from './channel-binding';
import { fastInitialResponse, fastMechanismFor, fastServerProof, NS_FAST, readToken, usableToken, type FastMechanism, type FastToken } from './fast-token';
import { b64, chooseMechanism, expect as expectReply, gs2For, recordSignIn, requireEncryption, SaslFailure, type SignInOptions } from './sasl';
import { ScramError, ScramExchange, type SaltedCredentials } from './scram-client';

/**
 * SASL2 (XEP-0388) with Bind2 (XEP-0386) inline, and FAST tokens (XEP-0484)
 * where the server offers them. Against SASL with a stream restart and
 * resource binding after it, this saves two round trips, and a FAST token
 * saves SCRAM's challenge too. Without inline Bind2 the classic path runs:
 * SASL2 alone would still need resource binding, so it saves nothing.
 */

const NS_SASL2 = 'urn:xmpp:sasl:2';
const NS_BIND2 = 'urn:xmpp:bind:0';

export interface Sasl2Options extends SignInOptions {
  /** Bind2's tag: the server makes the resource from it. */
  tag: string;
}

/** What xmpp.js' connection does after resource binding, done here after a SASL2 success that bound. */
interface Binding {
  _jid(id: string): unknown;
  _ready(resumed: boolean): void;
}

const expect = (entity: Client, send: Element): Promise<Element> => expectReply(entity, send, NS_SASL2);

const unb64 = (element: Element | undefined): Buffer => Buffer.from(element?.text() ?? '', 'base64');

export function sasl2Feature(streamFeatures: StreamFeatures, options: Sasl2Options): void {
  streamFeatures.use('authentication', NS_SASL2, async ({ entity, stanza }, next, element) => {
    const inline = element.getChild('inline');
    if (!inline?.getChild('bind', NS_BIND2)) return next();
    requireEncryption(entity, options.domain);
    const socket = tlsSocketOf(entity.socket);
    const fastOffered = inline.getChild('fast', NS_FAST)?.getChildren('mechanism').map((m) => m.text().trim()) ?? [];
    const saved = 'salted' in options.secret ? options.secret.salted : undefined;

    const token = usableToken(saved?.fast, fastOffered, socket);
    // A refused token (expired, or issued before a password change) leaves SCRAM to try on the same stream.
    if (token && saved && (await signInWithToken(entity, options, token, saved))) return;

    const offered = element.getChildren('mechanism').map((m) => m.text().trim());
    const binding = chooseChannelBinding(socket, advertisedBindings(stanza));
    const mechanism = chooseMechanism(offered, options.secret, options.domain, binding !== null);
    if (mechanism === 'PLAIN') return next();
    const gs2 = gs2For(mechanism, offered, { binding, couldBind: canBind(socket) });
    const exchange = new ScramExchange(mechanism, options.username, options.secret, undefined, gs2);
    const wantToken = fastMechanismFor(fastOffered, socket);
    const clientId = randomUUID();

    let reply = await expect(entity, authenticate(exchange.wireMechanism, Buffer.from(exchange.first(), 'utf8'), clientId, options.tag, wantToken));
    if (!reply.is('challenge', NS_SASL2)) throw new SaslFailure('malformed-request', 'expected a challenge');
    const final = await exchange.final(unb64(reply).toString('utf8'));
    reply = await expect(entity, xml('response', { xmlns: NS_SASL2 }, b64(final)));
    if (!reply.is('success', NS_SASL2)) throw new SaslFailure('malformed-request', 'expected success');
    exchange.verify(unb64(reply.getChild('additional-data')).toString('utf8'));
    bound(entity, reply);
    recordSignIn(entity, gs2.flag === 'p' ? { mechanism: `${mechanism}-PLUS`, channelBinding: gs2.binding.type, protocol: 'sasl2' } : { mechanism, protocol: 'sasl2' });

    const keys = exchange.credentials;
    const fresh = wantToken ? readToken(reply, wantToken, clientId) : null;
    if (keys) options.onSaltedCredentials?.(fresh ? { ...keys, fast: fresh } : keys);
  });
}

function authenticate(mechanism: string, initial: Buffer, clientId: string, tag: string, requestToken: FastMechanism | null, fast = false): Element {
  return xml(
    'authenticate',
    { xmlns: NS_SASL2, mechanism },
    xml('initial-response', {}, initial.toString('base64')),
    xml('user-agent', { id: clientId }, xml('software', {}, 'Invite Desk')),
    xml('bind', { xmlns: NS_BIND2 }, xml('tag', {}, tag)),
    requestToken ? xml('request-token', { xmlns: NS_FAST, mechanism: requestToken }) : null,
    fast ? xml('fast', { xmlns: NS_FAST }) : null,
  );
}

/** The session is signed in and bound: no stream restart, no resource binding. */
function bound(entity: Client, success: Element): void {
  const jid = success.getChildText('authorization-identifier');
  if (!jid || !success.getChild('bound', NS_BIND2)) throw new SaslFailure('malformed-request', 'the server did not bind the session');
  const binding = entity as unknown as Binding;
  binding._jid(jid);
  binding._ready(false);
}

/** Signs in with a FAST token in one round trip; false when the server refused the token. */
async function signInWithToken(entity: Client, options: Sasl2Options, token: FastToken, saved: SaltedCredentials): Promise<boolean> {
  const socket = tlsSocketOf(entity.socket);
  let reply: Element;
  try {
    reply = await expect(entity, authenticate(token.mechanism, fastInitialResponse(options.username, token, socket), token.clientId, options.tag, null, true));
  } catch (error) {
    if (error instanceof SaslFailure) return false;
    throw error;
  }
  if (!reply.is('success', NS_SASL2)) throw new SaslFailure('malformed-request', 'expected success');
  if (!fastServerProof(token, socket, unb64(reply.getChild('additional-data')))) {
    throw new ScramError('server-signature', 'The server could not prove it knows your sign-in token. Someone may be impersonating it.');
  }
  bound(entity, reply);
  recordSignIn(entity, { mechanism: token.mechanism, protocol: 'sasl2' });
  // The server rotates tokens now and then: keep the new one.
  const rotated = readToken(reply, token.mechanism, token.clientId);
  if (rotated) options.onSaltedCredentials?.({ ...saved, fast: rotated });
  return true;
}
