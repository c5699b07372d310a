import xml, { type Element } from '@xmpp/xml';
import type { Client } from '@xmpp/client-core';
import type { StreamFeatures } from '@xmpp/stream-features';
import { AdminError } from '../../../common/errors';
import { ScramError, ScramExchange, type SaltedCredentials, type ScramMechanism, type ScramSecret } from './scram-client';

const NS_SASL = 'urn:ietf:params:xml:ns:xmpp-sasl';

/** Strongest first. PLAIN (over TLS only) is the fallback for servers without SCRAM, e.g. LDAP-backed ones. */
const PREFERENCE = ['SCRAM-SHA-256', 'SCRAM-SHA-1', 'PLAIN'] as const;
type Mechanism = (typeof PREFERENCE)[number];

export interface SignInOptions {
  username: string;
  domain: string;
  secret: ScramSecret;
  /** Receives the salted keys after a SCRAM sign-in, for password-less sign-in next time. */
  onSaltedCredentials?: (credentials: SaltedCredentials) => void;
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

function chooseMechanism(offered: readonly string[], secret: ScramSecret, domain: string): Mechanism {
  if ('salted' in secret) {
    if (offered.includes(secret.salted.mechanism)) return secret.salted.mechanism;
    throw new ScramError('stale-credentials', `${domain} no longer offers ${secret.salted.mechanism}.`);
  }
  const mechanism = PREFERENCE.find((m) => offered.includes(m));
  if (!mechanism) throw new AdminError('server-error', `${domain} offers no sign-in method Invite Desk supports (it offers ${offered.join(', ') || 'none'}).`);
  return mechanism;
}

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
const unb64 = (element: Element): string => Buffer.from(element.text(), 'base64').toString('utf8');

async function expect(entity: Client, send: Element): Promise<Element> {
  const reply = await entity.sendReceive(send);
  if (reply.is('failure', NS_SASL)) {
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
export function saslFeature(streamFeatures: StreamFeatures, options: SignInOptions): void {
  streamFeatures.use('mechanisms', NS_SASL, async ({ entity }, _next, element) => {
    if (!entity.isSecure()) {
      throw new AdminError(
        'server-error',
        `${options.domain} did not offer an encrypted connection, so Invite Desk did not send your credentials. ` +
          'Enable TLS on the server (certificates and c2s_require_encryption = true) and try again.',
      );
    }
    const offered = element.getChildren('mechanism', NS_SASL).map((m) => m.text().trim());
    const mechanism = chooseMechanism(offered, options.secret, options.domain);

    if (mechanism === 'PLAIN') {
      if (!('password' in options.secret)) throw new ScramError('stale-credentials', `${options.domain} only offers PLAIN sign-in.`);
      const reply = await expect(entity, xml('auth', { xmlns: NS_SASL, mechanism }, b64(`\0${options.username}\0${options.secret.password}`)));
      if (!reply.is('success', NS_SASL)) throw new SaslFailure('malformed-request', 'unexpected answer');
    } else {
      await scram(entity, mechanism, options);
    }
    await entity.restart();
  });
}

async function scram(entity: Client, mechanism: ScramMechanism, options: SignInOptions): Promise<void> {
  const exchange = new ScramExchange(mechanism, options.username, options.secret);
  const challenge = await expect(entity, xml('auth', { xmlns: NS_SASL, mechanism }, b64(exchange.first())));
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
