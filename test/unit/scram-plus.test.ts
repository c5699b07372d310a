import { describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { createHash, createHmac, pbkdf2Sync, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { promisify } from 'node:util';
import xml from '@xmpp/xml';
import {
  advertisedBindings,
  chooseChannelBinding,
  NS_SASL_CB,
  serverEndPoint,
  tlsExporter,
} from '../../electron/core/xmpp/channel-binding';
import { ScramExchange, type SaltedCredentials } from '../../electron/core/xmpp/scram-client';
import { freePort } from '../helpers/ports';

const run = promisify(execFile);

// RFC 7677 §3's inputs; the GS2 header and the binding data change the proof, so it is computed here from RFC 5802's definitions.
const USER = 'user';
const PASSWORD = 'pencil';
const NONCE = 'rOprNGfwEbeRWgbNEkqO';
const SERVER_FIRST = 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096';
const SERVER_NONCE = 'rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0';
const CB_DATA = Buffer.from('8fa1c2e3d4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff', 'hex');

/** RFC 5802 §3, written out independently of the app's code. */
function expectedExchange(gs2Header: string, cbData: Buffer): { clientFinal: string; serverFinal: string } {
  const salted = pbkdf2Sync(PASSWORD, Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'), 4096, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  const c = Buffer.concat([Buffer.from(gs2Header), cbData]).toString('base64');
  const withoutProof = `c=${c},r=${SERVER_NONCE}`;
  const authMessage = `n=${USER},r=${NONCE},${SERVER_FIRST},${withoutProof}`;
  const signature = createHmac('sha256', storedKey).update(authMessage).digest();
  const proof = Buffer.from(clientKey.map((byte, i) => byte ^ (signature[i] ?? 0)));
  return {
    clientFinal: `${withoutProof},p=${proof.toString('base64')}`,
    serverFinal: `v=${createHmac('sha256', serverKey).update(authMessage).digest('base64')}`,
  };
}

describe('SCRAM with channel binding', () => {
  it('binds SCRAM-SHA-256-PLUS to tls-exporter data, as RFC 5802 defines it', async () => {
    const exchange = new ScramExchange('SCRAM-SHA-256', USER, { password: PASSWORD }, NONCE, { flag: 'p', binding: { type: 'tls-exporter', data: CB_DATA } });
    expect(exchange.wireMechanism).toBe('SCRAM-SHA-256-PLUS');
    expect(exchange.first()).toBe(`p=tls-exporter,,n=${USER},r=${NONCE}`);
    const expected = expectedExchange('p=tls-exporter,,', CB_DATA);
    expect(await exchange.final(SERVER_FIRST)).toBe(expected.clientFinal);
    exchange.verify(expected.serverFinal);
  });

  it('signs in with -PLUS from the salted keys saved after a sign-in without it', async () => {
    const plain = new ScramExchange('SCRAM-SHA-256', USER, { password: PASSWORD }, NONCE);
    plain.first();
    await plain.final(SERVER_FIRST);
    const saved = plain.credentials as SaltedCredentials;
    expect(saved.mechanism).toBe('SCRAM-SHA-256');

    const bound = new ScramExchange('SCRAM-SHA-256', USER, { salted: saved }, NONCE, { flag: 'p', binding: { type: 'tls-server-end-point', data: CB_DATA } });
    bound.first();
    const expected = expectedExchange('p=tls-server-end-point,,', CB_DATA);
    expect(await bound.final(SERVER_FIRST)).toBe(expected.clientFinal);
    bound.verify(expected.serverFinal);
  });

  it('tells a server without -PLUS that it could have bound (y), and one it cannot bind with that it does not (n)', async () => {
    const yes = new ScramExchange('SCRAM-SHA-256', USER, { password: PASSWORD }, NONCE, { flag: 'y' });
    expect(yes.wireMechanism).toBe('SCRAM-SHA-256');
    expect(yes.first()).toBe(`y,,n=${USER},r=${NONCE}`);
    expect(await yes.final(SERVER_FIRST)).toBe(expectedExchange('y,,', Buffer.alloc(0)).clientFinal);
    expect(await yes.final(SERVER_FIRST)).toMatch(/^c=eSws,/);
    // The RFC's own exchange is the `n` case.
    const no = new ScramExchange('SCRAM-SHA-256', USER, { password: PASSWORD }, NONCE);
    no.first();
    expect(await no.final(SERVER_FIRST)).toBe('c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=');
  });

  it('reads the channel-binding types of the XEP-0440 stream feature', () => {
    const features = xml(
      'stream:features',
      {},
      xml('mechanisms', { xmlns: 'urn:ietf:params:xml:ns:xmpp-sasl' }),
      xml('sasl-channel-binding', { xmlns: NS_SASL_CB }, xml('channel-binding', { type: 'tls-server-end-point' }), xml('channel-binding', { type: 'tls-exporter' })),
    );
    expect(advertisedBindings(features)).toEqual(['tls-server-end-point', 'tls-exporter']);
    expect(advertisedBindings(xml('stream:features', {}))).toBeNull();
    expect(chooseChannelBinding(null, ['tls-exporter'])).toBeNull();
  });
});

describe('channel-binding data, checked against OpenSSL', () => {
  it.each([
    ['rsa:2048', '-sha256', 'sha256'],
    ['rsa:2048', '-sha384', 'sha384'],
    ['rsa:2048', '-sha512', 'sha512'],
    // RFC 5929 §4.1: MD5 and SHA-1 are replaced by SHA-256, as is a signature without its own hash.
    ['rsa:2048', '-sha1', 'sha256'],
    ['ed25519', '', 'sha256'],
  ])('tls-server-end-point of a %s certificate signed with %s hashes with %s', async (key, digest, hash) => {
    const dir = await mkdtemp(join(tmpdir(), 'invite-desk-cb-'));
    try {
      const cert = join(dir, 'c.pem');
      await run('openssl', ['req', '-x509', '-newkey', key, '-nodes', '-days', '1', '-keyout', join(dir, 'k.pem'), '-out', cert, '-subj', '/CN=cb.test', ...(digest ? [digest] : [])]);
      const { stdout } = await run('openssl', ['x509', '-in', cert, '-noout', '-fingerprint', `-${hash}`]);
      const fingerprint = stdout.trim().split('=')[1]?.replaceAll(':', '').toLowerCase();
      expect(serverEndPoint(new X509Certificate(await readFile(cert)).raw).toString('hex')).toBe(fingerprint);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('tls-exporter equals what an OpenSSL server exports for the same TLS 1.3 connection', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'invite-desk-cb-'));
    const port = await freePort();
    await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-subj', '/CN=cb.test']);
    const server = spawn('openssl', [
      's_server', '-accept', `127.0.0.1:${port}`, '-cert', join(dir, 'c.pem'), '-key', join(dir, 'k.pem'), '-tls1_3', '-naccept', '1',
      '-keymatexport', 'EXPORTER-Channel-Binding', '-keymatexportlen', '32',
    ]);
    let printed = '';
    server.stdout.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    try {
      await waitFor(() => printed.includes('ACCEPT'));
      const socket = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false });
      socket.on('error', () => undefined);
      await new Promise((resolve) => socket.once('secureConnect', resolve));
      const ours = tlsExporter(socket);
      const chosen = chooseChannelBinding(socket, ['tls-server-end-point', 'tls-exporter']);
      await waitFor(() => /Keying material: [0-9A-F]{64}/.test(printed));
      socket.destroy();
      const theirs = /Keying material: ([0-9A-F]{64})/.exec(printed)?.[1]?.toLowerCase();
      expect(ours?.toString('hex')).toBe(theirs);
      // The exporter wins over the end-point hash when both are offered.
      expect(chosen).toEqual({ type: 'tls-exporter', data: ours });
    } finally {
      server.kill();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

async function waitFor(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for openssl');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
