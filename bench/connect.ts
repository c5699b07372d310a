import { connect as tcpConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { client as stockClient } from '@xmpp/client';
import { createTestService } from '../test/helpers/session';
import { freePort } from '../test/helpers/ports';
import { type ProsodyServer } from '../test/helpers/prosody';
import { createXmppClient } from '../electron/core/xmpp/client';
import { median, ms, ratioFigure, ROUNDS, samples, rounds, type BenchLine } from './lib';

/**
 * Sign-in: ours (one-call PBKDF2) against stock @xmpp/client (10,000 awaited
 * HMACs) on the same server, and the full admin connect against a bare TLS
 * handshake. Also how fast a closed port is reported.
 */
export async function benchConnect(server: ProsodyServer): Promise<BenchLine[]> {
  const admin = server.admins[0];
  if (!admin) throw new Error('the bench server has no admin');
  const lines: BenchLine[] = [];

  // The stock client has no way to trust one self-signed certificate; this process only talks to loopback.
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  const stock = await samples(ROUNDS, async () => {
    const xmpp = stockClient({ service: `xmpp://127.0.0.1:${server.c2sPort}`, domain: server.domain, username: admin.username, password: admin.password });
    xmpp.on('error', () => undefined);
    await xmpp.start();
    await xmpp.stop();
  });
  delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;

  const ours = await samples(ROUNDS, async () => {
    const xmpp = createXmppClient({
      host: '127.0.0.1',
      port: server.c2sPort,
      directTls: false,
      domain: server.domain,
      username: admin.username,
      secret: { password: admin.password },
      resource: 'bench',
      trustedFingerprint: server.certificateFingerprint(),
      streamTimeoutMs: 10_000,
    });
    xmpp.entity.on('error', () => undefined);
    await xmpp.entity.start();
    await xmpp.entity.stop();
  });
  lines.push(ratioFigure('sign-in to online (STARTTLS, SCRAM-SHA-1, bind)', rounds(ROUNDS), median(ours), 'stock @xmpp/client 0.14', median(stock)));

  const t = await createTestService();
  try {
    const profile = { id: 'bench', jid: `${admin.username}@${server.domain}`, address: `127.0.0.1:${server.c2sPort}`, trustedFingerprint: server.certificateFingerprint() };
    const handshake = await samples(ROUNDS * 4, () => tlsHandshake(server.directTlsPort, server.domain));
    const withPassword = await samples(ROUNDS, async () => {
      await t.service.connect({ profile, password: admin.password });
      await t.service.disconnect(profile.id);
    });
    const withSavedKeys = await samples(ROUNDS, async () => {
      await t.service.connect({ profile });
      await t.service.disconnect(profile.id);
    });
    lines.push({
      what: 'full admin connect (sign-in, admin check, probe, presence)',
      rounds: `${rounds(ROUNDS)}; the handshake ${ROUNDS * 4}`,
      result: `${ms(median(withPassword))} with the password, ${ms(median(withSavedKeys))} with saved keys`,
      baseline: `a bare TLS handshake: ${ms(median(handshake))}`,
    });

    const closedPort = await freePort();
    const refused = await samples(ROUNDS * 4, () => refusedTcp(closedPort));
    const unreachable = await samples(ROUNDS * 4, () =>
      t.service.connect({ profile: { ...profile, id: 'closed', address: `127.0.0.1:${closedPort}` }, password: admin.password }).catch(() => undefined),
    );
    lines.push(ratioFigure('closed port reported as `unreachable`', rounds(ROUNDS * 4), median(unreachable), 'a refused TCP connect', median(refused)));
  } finally {
    await t.dispose();
  }
  return lines;
}

function tlsHandshake(port: number, servername: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, servername, rejectUnauthorized: false }, () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', reject);
  });
}

function refusedTcp(port: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = tcpConnect(port, '127.0.0.1');
    socket.once('error', () => resolve());
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
  });
}
