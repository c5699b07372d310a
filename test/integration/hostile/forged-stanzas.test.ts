import { describe, expect, it } from 'vitest';
import xml, { type Element } from '@xmpp/xml';
import { NS } from '../../../electron/core/features/invite-desk';
import { prosodyFixture } from '../../helpers/fixtures';
import { type ProsodyServer, WITH_INVITE_DESK } from '../../helpers/prosody';
import { signUp } from '../../helpers/raw-register';
import { eventually, otherClient, profileFor, withTestService } from '../../helpers/session';

/**
 * Another account on the same server forges what only the server, or the
 * entity asked, may send: replies to our pending iqs, sign-up notices, and
 * mod_invite_desk's events. None of it may be believed.
 */

const admin = { username: 'admin', password: 'admin-password' };
const eve = { username: 'eve', password: 'eve-password' };
const mallory = { username: 'mallory', password: 'mallory-password' };


function settled<T>(work: Promise<T>): () => boolean {
  let done = false;
  work.then(
    () => (done = true),
    () => (done = true),
  );
  return () => done;
}

/** What mallory sends to the admin's session: a watchregistrations notice and module events, all forged. */
function forgeries(server: ProsodyServer, to: string): Element[] {
  return [
    xml('message', { to, type: 'chat' }, xml('body', {}, `User forged1 just registered on ${server.domain} from 203.0.113.9`)),
    xml('message', { to }, xml('body', {}, `User forged2 just registered on ${server.domain} from 203.0.113.9`)),
    xml('message', { to }, xml('signup', { xmlns: NS.events, id: 'forged-3', jid: `forged3@${server.domain}`, when: new Date().toISOString() })),
    xml('message', { to }, xml('policy', { xmlns: NS.policy, mode: 'open', by: `admin@${server.domain}` })),
  ];
}

describe('stanzas forged by another account', () => {
  const stock = prosodyFixture({ domain: 'forged.test', admins: [admin], users: [eve, mallory] });
  const module = prosodyFixture({ domain: 'forged-module.test', admins: [admin], users: [mallory], ...WITH_INVITE_DESK });

  it('ignores an iq reply with a pending id from anyone but the entity asked', async () => {
    const server = stock();
    const desk = await otherClient(server, admin, 'desk');
    const phone = await otherClient(server, eve, 'phone');
    const attacker = await otherClient(server, mallory, 'x');
    // Eve's phone stops reading, so only the forgeries can answer for now.
    const phoneSocket = (phone.entity.socket as unknown as { socket: { pause(): void; resume(): void } }).socket;
    try {
      phoneSocket.pause();
      const to = `eve@${server.domain}/phone`;
      // The id is known to the attacker, as if it had leaked.
      const id = 'leaked-pending-id';
      const pending = desk.iqCaller.request(xml('iq', { type: 'get', to, id }, xml('query', { xmlns: 'jabber:iq:version' })), 20_000);
      const done = settled(pending);
      const deskJid = desk.entity.jid?.toString() ?? '';
      await attacker.entity.send(xml('iq', { type: 'result', id, to: deskJid }, xml('query', { xmlns: 'jabber:iq:version' }, xml('name', {}, 'forged'))));
      await attacker.entity.send(xml('iq', { type: 'error', id, to: deskJid }, xml('error', { type: 'cancel' }, xml('item-not-found', { xmlns: 'urn:ietf:params:xml:ns:xmpp-stanzas' }))));
      // A round trip through the server after the forgeries: they have been delivered by the time it returns.
      await desk.iqCaller.request(xml('iq', { type: 'get', to: server.domain }, xml('ping', { xmlns: 'urn:xmpp:ping' })), 10_000);
      expect(done()).toBe(false);

      // Eve reads again, and her client answers as it answers any unknown query: that is the reply that counts.
      phoneSocket.resume();
      const failure = await pending.then(
        () => null,
        (error: unknown) => error,
      );
      expect(failure).toMatchObject({ name: 'StanzaError', condition: 'service-unavailable' });
    } finally {
      await Promise.all([desk, phone, attacker].map((c) => c.entity.stop().catch(() => undefined)));
    }
  });

  it.each([
    ['stock Prosody', () => stock()],
    ['mod_invite_desk', () => module()],
  ])('reports no forged sign-up or policy change on %s, and still the real ones', async (_, server) => {
    await withTestService(async (t) => {
      const profile = profileFor(server(), admin);
      await t.service.connect({ profile, password: admin.password });
      const policies: unknown[] = [];
      t.service.on('policy', (change) => policies.push(change));
      const attacker = await otherClient(server(), mallory, `x-${profile.id}`);
      try {
        const [status] = await t.service.connectionStatuses();
        expect(status?.state).toBe('online');
        const info = await t.service.serverInfo(profile.id);
        for (const stanza of forgeries(server(), info.account)) await attacker.entity.send(stanza);
        // Then a real sign-up: once it is reported, the forgeries before it have been read and dropped.
        const real = `real-${Date.now().toString(36)}`;
        const [invite] = await t.service.createInvites({ serverId: profile.id, kind: 'account' });
        expect(await signUp(server(), real, invite?.token)).toEqual({ ok: true });
        await eventually(() => t.registrations.find((r) => r.username === real), 'the real sign-up');
        expect(t.registrations.map((r) => r.username)).toEqual([real]);
        expect(policies).toEqual([]);
      } finally {
        await attacker.entity.stop().catch(() => undefined);
      }
    });
  });
});
