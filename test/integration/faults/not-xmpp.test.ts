import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { AdminError } from '../../../common/errors';
import { createTestService, type TestService } from '../../helpers/session';
import { prosodyFixture } from '../../helpers/fixtures';
import { startFakeServer, startStarttlsImpostor, startTlsFakeServer, type FakeBehaviour, type FakeServer } from '../../helpers/fake-servers';
import { freePort, waitForPort } from '../../helpers/ports';

/**
 * Servers that are not XMPP, or not the one the admin trusted. Every one must
 * end in a failed connect with a contract error code, promptly, with its
 * socket closed, and never in a crash (vitest fails the run on an uncaught
 * exception or an unhandled rejection in this process).
 */

const DOMAIN = 'invite-desk.test';
const prosody = prosodyFixture({ domain: DOMAIN });
const servers: FakeServer[] = [];
const services: TestService[] = [];
const children: ChildProcess[] = [];

afterAll(async () => {
  for (const child of children) child.kill();
  await Promise.all(services.map((s) => s.dispose()));
  await Promise.all(servers.map((s) => s.close()));
});

async function connectTo(port: number, options: { directTls?: boolean; trustedFingerprint?: string; connectMs?: number; requestMs?: number } = {}): Promise<AdminError> {
  // Short timeouts: a silent server must fail within the test, never hang it.
  const test = await createTestService({ connectMs: options.connectMs ?? 20_000, requestMs: options.requestMs ?? 2_000 });
  services.push(test);
  const profile = { id: `fake-${port}`, jid: `admin@${DOMAIN}`, address: `127.0.0.1:${port}`, directTls: options.directTls === true, ...(options.trustedFingerprint ? { trustedFingerprint: options.trustedFingerprint } : {}) };
  const failure = await test.service.connect({ profile, password: 'secret-password' }).then(
    () => new Error('connected to a fake server'),
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(AdminError);
  // Nothing of a failed attempt stays behind: no status "online", no saved server.
  expect(await test.service.listProfiles()).toEqual([]);
  return failure as AdminError;
}

async function fake(behaviour: FakeBehaviour): Promise<FakeServer> {
  const server = await startFakeServer(behaviour);
  servers.push(server);
  return server;
}

describe('a connect to something that is not an XMPP server', () => {
  it('reports a web server as a web server, at once and not as a timeout', async () => {
    const server = await fake('http');
    const error = await connectTo(server.port);
    expect(error.code).toBe('unreachable');
    expect(error.message).toMatch(/web server/);
    expect(error.message).toMatch(/5222/);
  });

  it("recognises Python's http.server, which waits for the end of a request line, as a web server at once", async () => {
    const port = await freePort();
    const python = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1'], { stdio: 'ignore' });
    children.push(python);
    try {
      await waitForPort(port, python, 20_000, 'http.server');
      // Stream and connect timeouts far beyond the test's own: waiting for either would fail it.
      const error = await connectTo(port, { connectMs: 600_000, requestMs: 600_000 });
      expect(error.code).toBe('unreachable');
      expect(error.message).toMatch(/web server/);
    } finally {
      python.kill();
    }
  }, 20_000);

  it('reports a server that closes at once without waiting for a timeout', async () => {
    const server = await fake('close');
    // With a connect timeout far beyond the test's own: a timeout here would fail the test.
    const error = await connectTo(server.port, { connectMs: 600_000 });
    expect(error.code).toBe('unreachable');
    expect(error.message).toMatch(/closed the connection/);
  });

  it.each(['garbage', 'bad-entity', 'mismatched-tag'] as const)('turns %s from the server into a failed connect, not a crash', async (behaviour) => {
    const server = await fake(behaviour);
    const error = await connectTo(server.port, { connectMs: 600_000 });
    expect(error.code).toBe('unreachable');
    expect(error.message).toMatch(/XMPP/);
    await server.allClosed();
  });

  it('gives up on a silent server with a timeout, and closes its socket right away', async () => {
    const server = await fake('silent');
    // A stream timeout far longer than the test: a polite close would wait for it.
    const error = await connectTo(server.port, { connectMs: 1_500, requestMs: 60_000 });
    expect(error.code).toBe('timeout');
    // Waits for the close: before the fix the socket stayed open until the stream timeout, past this test's own.
    await server.allClosed();
    expect(server.openConnections()).toBe(0);
  }, 8_000);

  it("says to tick direct TLS when the address is Prosody's direct TLS port", async () => {
    const error = await connectTo(prosody().directTlsPort);
    expect(error.code).toBe('unreachable');
    expect(error.message).toMatch(/tick "Direct TLS"/i);
  });

  it("says to untick direct TLS when the address is Prosody's STARTTLS port", async () => {
    const error = await connectTo(prosody().c2sPort, { directTls: true });
    expect(error.code).toBe('unreachable');
    expect(error.message).toMatch(/Untick "Direct TLS"/);
  });

  it('turns junk inside a trusted TLS session into a failed connect', async () => {
    const server = await startTlsFakeServer(DOMAIN, { junk: true });
    servers.push(server);
    // Trust it first, as an admin would have: the junk comes after the handshake.
    const first = await connectTo(server.port, { directTls: true });
    expect(first.code).toBe('tls-untrusted');
    const fingerprint = (first.detail as { fingerprint: string }).fingerprint;
    const error = await connectTo(server.port, { directTls: true, trustedFingerprint: fingerprint, connectMs: 600_000 });
    expect(error.code).toBe('unreachable');
    expect(error.message).toMatch(/XMPP/);
  });
});

describe('an impostor with another certificate', () => {
  it('learns nothing over direct TLS: no byte after the handshake', async () => {
    const impostor = await startTlsFakeServer(DOMAIN);
    servers.push(impostor);
    const real = await startTlsFakeServer(DOMAIN);
    servers.push(real);
    const trusted = ((await connectTo(real.port, { directTls: true })).detail as { fingerprint: string }).fingerprint;
    const error = await connectTo(impostor.port, { directTls: true, trustedFingerprint: trusted });
    expect(error.code).toBe('tls-untrusted');
    expect((error.detail as { previouslyTrusted?: string }).previouslyTrusted).toBe(trusted);
    expect(impostor.received().length).toBe(0);
  });

  it('learns nothing after STARTTLS: no stream header, no SASL', async () => {
    const impostor = await startStarttlsImpostor(DOMAIN);
    servers.push(impostor);
    const real = await startTlsFakeServer(DOMAIN);
    servers.push(real);
    const trusted = ((await connectTo(real.port, { directTls: true })).detail as { fingerprint: string }).fingerprint;
    const error = await connectTo(impostor.port, { trustedFingerprint: trusted });
    expect(error.code).toBe('tls-untrusted');
    expect(impostor.receivedAfterTls().length).toBe(0);
    expect(impostor.received().toString('utf8')).not.toMatch(/auth|sasl/i);
  });
});
