import xml, { type Element } from '@xmpp/xml';
import type { Client } from '@xmpp/client-core';
import type { StreamFeatures } from '@xmpp/stream-features';
import { AdminError } from '../../../common/errors';
import type { SignInMethod } from '../../../common/api';
import { advertisedBindings, canBind, chooseChannelBinding, tlsSocketOf } from './channel-binding';
import { ScramError, ScramExchange, type GS2Binding, type SaltedCredentials, type ScramMechanism, type ScramSecret } from './scram-client';

const NS_SASL = 'urn:ietf:params:xml:ns:xmpp-sasl';

/** Strongest first. PLAIN (over TLS only) is the fallback for servers without SCRAM, e.g. LDAP-backed ones. */
const PREFERENCE = ['SCRAM-SHA-256', 'SCRAM-SHA-1', 'PLAIN'] as const;
type Mechanism = (typeof PREFERENCE)[number];

/** How each connection signed in, for the server overview. */
const signInMethods = new WeakMap<Client, SignInMethod>();

export function signInMethodOf(entity: Client): SignInMethod | undefined {
  return signInMethods.get(entity);
}

export function recordSignIn(entity: Client, method: SignInMethod): void {
  signInMethods.set(entity, method);
}

export interface SignInOptions {
  username: string;
  domain: string;
  secret: ScramSecret;
  /** Receives the salted keys after a SCRAM sign-in, for password-less sign-in next time. */
  onSaltedCredentials?: (credentials: SaltedCredentials) => void;
  /** Called once the stream restarted after sign-in is requested: what need not wait for its features goes out now. */
  onRestart?: () => void;
}

/** A SASL failure, named as xmpp.js names it so error mapping treats both alike. */
export class SaslFailure extends Error {
  readonly condition: string;
  readonly text: string;

  constructor(condition: string, text: string) {
    super(`SASL ${condition}${text ? `: ${text}` : ''}`);
    this.name = 'SASLError';
    this.condition = condition;
    this.text = text;
  }
}

export function chooseMechanism(offered: readonly string[], secret: ScramSecret, domain: string, bound: boolean): Mechanism {
  // A -PLUS mechanism uses the same keys as its plain one, so saved keys fit either.
  const available = (m: string): boolean => offered.includes(m) || (bound && m !== 'PLAIN' && offered.includes(`${m}-PLUS`));
  if ('salted' in secret) {
    if (available(secret.salted.mechanism)) return secret.salted.mechanism;
    throw new ScramError('stale-credentials', `${domain} no longer offers ${secret.salted.mechanism}.`);
  }
  // With channel binding possible, any -PLUS mechanism beats a stronger hash without it.
  const mechanism = (bound ? PREFERENCE.find((m) => m !== 'PLAIN' && offered.includes(`${m}-PLUS`)) : undefined) ?? PREFERENCE.find((m) => offered.includes(m));
  if (!mechanism) throw new AdminError('server-error', `${domain} offers no sign-in method Invite Desk supports (it offers ${offered.join(', ') || 'none'}).`);
  return mechanism;
}

/**
 * Binds to the channel when the server offers this mechanism's -PLUS variant
 * and a binding type both sides know; otherwise says whether we could have.
 */
export function gs2For(mechanism: ScramMechanism, offered: readonly string[], plan: { binding: ReturnType<typeof chooseChannelBinding>; couldBind: boolean }): GS2Binding {
  if (plan.binding && offered.includes(`${mechanism}-PLUS`)) return { flag: 'p', binding: plan.binding };
  // `y` to a server that offers -PLUS would read as a downgrade attack: say `n` there.
  const serverBinds = offered.some((m) => m.endsWith('-PLUS'));
  return plan.couldBind && !serverBinds ? { flag: 'y' } : { flag: 'n' };
}

export const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
const unb64 = (element: Element): string => Buffer.from(element.text(), 'base64').toString('utf8');

/** Sends `send` and returns the answer, or throws the `<failure/>` of namespace `ns` (SASL's, or SASL2's) as a SaslFailure. */
export async function expect(entity: Client, send: Element, ns = NS_SASL): Promise<Element> {
  const reply = await entity.sendReceive(send);
  if (reply.is('failure', ns)) {
    const condition = reply.getChildElements().find((c) => c.name !== 'text')?.name ?? 'not-authorized';
    throw new SaslFailure(condition, reply.getChildText('text') ?? '');
  }
  return reply;
}

/**
 * SASL (RFC 6120 §6) as a stream feature. Replaces xmpp.js' own so that the
 * app can sign in with saved salted keys, prefer SCRAM-SHA-256, and check the
 * server's signature, which xmpp.js does not.
 */
/** No credentials over a stream without TLS. */
export function requireEncryption(entity: Client, domain: string): void {
  if (!entity.isSecure()) {
    throw new AdminError(
      'server-error',
      `${domain} did not offer an encrypted connection, so Invite Desk did not send your credentials. ` +
        'Enable TLS on the server (certificates and c2s_require_encryption = true) and try again.',
    );
  }
}

export function saslFeature(streamFeatures: StreamFeatures, options: SignInOptions): void {
  streamFeatures.use('mechanisms', NS_SASL, async ({ entity, stanza }, _next, element) => {
    requireEncryption(entity, options.domain);
    const offered = element.getChildren('mechanism', NS_SASL).map((m) => m.text().trim());
    const socket = tlsSocketOf(entity.socket);
    const binding = chooseChannelBinding(socket, advertisedBindings(stanza));
    const mechanism = chooseMechanism(offered, options.secret, options.domain, binding !== null);

    if (mechanism === 'PLAIN') {
      if (!('password' in options.secret)) throw new ScramError('stale-credentials', `${options.domain} only offers PLAIN sign-in.`);
      const reply = await expect(entity, xml('auth', { xmlns: NS_SASL, mechanism }, b64(`\0${options.username}\0${options.secret.password}`)));
      if (!reply.is('success', NS_SASL)) throw new SaslFailure('malformed-request', 'unexpected answer');
      recordSignIn(entity, { mechanism });
    } else {
      const gs2 = gs2For(mechanism, offered, { binding, couldBind: canBind(socket) });
      await scram(entity, mechanism, gs2, options);
      recordSignIn(entity, gs2.flag === 'p' ? { mechanism: `${mechanism}-PLUS`, channelBinding: gs2.binding.type } : { mechanism });
    }
    // restart() writes the new stream header before it first waits, so whatever onRestart sends follows it.
    const restarted = entity.restart();
    options.onRestart?.();
    await restarted;
  });
}

async function scram(entity: Client, mechanism: ScramMechanism, gs2: GS2Binding, options: SignInOptions): Promise<void> {
  const exchange = new ScramExchange(mechanism, options.username, options.secret, undefined, gs2);
  const challenge = await expect(entity, xml('auth', { xmlns: NS_SASL, mechanism: exchange.wireMechanism }, b64(exchange.first())));
  if (!challenge.is('challenge', NS_SASL)) throw new SaslFailure('malformed-request', 'expected a challenge');
  const final = await exchange.final(unb64(challenge));
  let outcome = await expect(entity, xml('response', { xmlns: NS_SASL }, b64(final)));
  // RFC 6120 allows the server's final message as a challenge followed by an empty success.
  if (outcome.is('challenge', NS_SASL)) {
    exchange.verify(unb64(outcome));
    outcome = await expect(entity, xml('response', { xmlns: NS_SASL }));
    if (!outcome.is('success', NS_SASL)) throw new SaslFailure('malformed-request', 'expected success');
  } else if (outcome.is('success', NS_SASL)) {
    exchange.verify(unb64(outcome));
  } else {
    throw new SaslFailure('malformed-request', 'unexpected answer');
  }
  if (exchange.credentials) options.onSaltedCredentials?.(exchange.credentials);
}
