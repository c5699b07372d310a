import { describe, expect, it } from 'vitest';
import { ScramError, ScramExchange, type SaltedCredentials } from '../../electron/core/xmpp/scram-client';

// RFC 5802 §5 and RFC 7677 §3: the published example exchanges.
const SHA1 = {
  nonce: 'fyko+d2lbbFgONRv9qkxdawL',
  serverFirst: 'r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096',
  clientFinal: 'c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=',
  serverFinal: 'v=rmF9pqV8S7suAoZWja4dJRkFsKQ=',
};
const SHA256 = {
  nonce: 'rOprNGfwEbeRWgbNEkqO',
  serverFirst: 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
  clientFinal: 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
  serverFinal: 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
};

async function signIn(mechanism: 'SCRAM-SHA-1' | 'SCRAM-SHA-256', vector: typeof SHA1, secret: ConstructorParameters<typeof ScramExchange>[2]): Promise<ScramExchange> {
  const exchange = new ScramExchange(mechanism, 'user', secret, vector.nonce);
  expect(exchange.first()).toBe(`n,,n=user,r=${vector.nonce}`);
  expect(await exchange.final(vector.serverFirst)).toBe(vector.clientFinal);
  exchange.verify(vector.serverFinal);
  return exchange;
}

describe('SCRAM', () => {
  it.each([
    ['SCRAM-SHA-1', SHA1],
    ['SCRAM-SHA-256', SHA256],
  ] as const)('%s reproduces the RFC example exchange with the password', async (mechanism, vector) => {
    await signIn(mechanism, vector, { password: 'pencil' });
  });

  it.each([
    ['SCRAM-SHA-1', SHA1],
    ['SCRAM-SHA-256', SHA256],
  ] as const)('%s signs in again with the saved salted keys alone, which do not contain the password', async (mechanism, vector) => {
    const first = await signIn(mechanism, vector, { password: 'pencil' });
    const saved = first.credentials as SaltedCredentials;
    expect(saved).toMatchObject({ mechanism, iterations: 4096 });
    expect(JSON.stringify(saved)).not.toContain('pencil');
    await signIn(mechanism, vector, { salted: saved });
  });

  it('asks for the password again when the server changed its salt or iteration count', async () => {
    const saved = (await signIn('SCRAM-SHA-1', SHA1, { password: 'pencil' })).credentials as SaltedCredentials;
    for (const serverFirst of [SHA1.serverFirst.replace('i=4096', 'i=8192'), SHA1.serverFirst.replace('QSXCR+Q6sek8bf92', 'AAAAAAAAAAAAAAAA')]) {
      const exchange = new ScramExchange('SCRAM-SHA-1', 'user', { salted: saved }, SHA1.nonce);
      exchange.first();
      await expect(exchange.final(serverFirst)).rejects.toMatchObject({ reason: 'stale-credentials' });
    }
  });

  it('refuses a server that cannot prove it knows the password', async () => {
    const exchange = new ScramExchange('SCRAM-SHA-1', 'user', { password: 'pencil' }, SHA1.nonce);
    exchange.first();
    await exchange.final(SHA1.serverFirst);
    expect(() => exchange.verify('v=AAAAAAAAAAAAAAAAAAAAAAAAAAA=')).toThrow(ScramError);
    expect(() => exchange.verify('e=other-error')).toThrow(/refused/);
  });

  it.each([
    ['a nonce that does not extend ours', 'r=someone-else,s=QSXCR+Q6sek8bf92,i=4096'],
    ['too few iterations', `r=${SHA1.nonce}x,s=QSXCR+Q6sek8bf92,i=1`],
    ['absurdly many iterations', `r=${SHA1.nonce}x,s=QSXCR+Q6sek8bf92,i=999999999`],
    ['a salt that is not base64', `r=${SHA1.nonce}x,s=***,i=4096`],
    ['garbage', 'hello'],
    ['a server error', 'e=invalid-proof'],
  ])('refuses a server-first message with %s', async (_name, serverFirst) => {
    const exchange = new ScramExchange('SCRAM-SHA-1', 'user', { password: 'pencil' }, SHA1.nonce);
    exchange.first();
    await expect(exchange.final(serverFirst)).rejects.toBeInstanceOf(ScramError);
  });

  it('escapes = and , in the username', () => {
    expect(new ScramExchange('SCRAM-SHA-1', 'a=b,c', { password: 'x' }, 'n').first()).toBe('n,,n=a=3Db=2Cc,r=n');
  });
});
