import xml from '@xmpp/xml';
import { createTestService, otherClient } from '../test/helpers/session';
import { registerAccount } from '../test/helpers/raw-register';
import type { ProsodyServer } from '../test/helpers/prosody';
import { median, ms, percentile, samples, type BenchLine } from './lib';

const SIGNUPS = Number(process.env.BENCH_SIGNUPS ?? 50);

/**
 * From a sign-up finishing (the new member's client has the server's "ok")
 * to the app's `registration` event, against an iq round trip on the same
 * server. Negative means the event arrived before the member's own answer.
 */
export async function benchSignups(server: ProsodyServer): Promise<BenchLine[]> {
  const admin = server.admins[0];
  if (!admin) throw new Error('the bench server has no admin');
  const t = await createTestService();
  const profile = { id: 'bench-signups', jid: `${admin.username}@${server.domain}`, address: `127.0.0.1:${server.c2sPort}`, trustedFingerprint: server.certificateFingerprint() };
  try {
    await t.service.connect({ profile, password: admin.password });
    const arrived = new Map<string, number>();
    t.service.on('registration', (r) => arrived.set(r.username, performance.now()));
    const invites = await t.service.createInvites({ serverId: profile.id, kind: 'account', count: SIGNUPS });
    const delays: number[] = [];
    for (const [i, invite] of invites.entries()) {
      const username = `bench${i}`;
      const outcome = await registerAccount({ port: server.c2sPort, domain: server.domain, username, password: 'pw', token: invite.token });
      const finished = performance.now();
      if (!outcome.ok) throw new Error(`sign-up ${username} failed: ${outcome.condition}`);
      while (!arrived.has(username)) await new Promise((resolve) => setTimeout(resolve, 1));
      delays.push((arrived.get(username) ?? finished) - finished);
    }
    const probe = await otherClient(server, admin, 'bench-ping');
    const ping = await samples(SIGNUPS, () => probe.iqCaller.request(xml('iq', { type: 'get', to: server.domain }, xml('ping', { xmlns: 'urn:xmpp:ping' }))));
    await probe.entity.stop();
    return [
      {
        what: 'sign-up finished to `registration` event (negative: the event arrives before the new member\'s own reply)',
        rounds: `${SIGNUPS} sign-ups; the round trip ${SIGNUPS}`,
        result: `median ${ms(median(delays))}, p99 ${ms(percentile(delays, 99))}`,
        baseline: `an iq round trip: ${ms(median(ping))}`,
      },
    ];
  } finally {
    await t.dispose();
  }
}
