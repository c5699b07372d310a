import { describe, expect, it } from 'vitest';
import { readdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import xml from '@xmpp/xml';
import type { Registration } from '../../common/api';
import { prosodyFixture } from '../helpers/fixtures';
import { signUp } from '../helpers/raw-register';
import { createTestService, withTestService, eventually, expectAdminError, otherClient, profileFor } from '../helpers/session';
import { PRESENCE_PRIORITY } from '../../electron/core/admin-session';

const admin = { username: 'admin', password: 'admin-password' };


const forUser = (registrations: Registration[], username: string) => () => registrations.find((r) => r.username === username);

describe('invites and sign-ups on stock Prosody', () => {
  const stock = prosodyFixture({ domain: 'stock.test', admins: [admin] });

  it('creates an account invite that a new member signs up with, once; the sign-up reaches the service', async () => {
    const server = stock();
    await withTestService(async (t) => {
      const profile = profileFor(server, admin);
      await t.service.connect({ profile, password: admin.password });
      const [invite] = await t.service.createInvites({ serverId: profile.id, kind: 'account' });
      if (!invite) throw new Error('no invite');
      expect(invite.uri).toBe(`xmpp:${server.domain}?register;preauth=${invite.token}`);
      expect(invite.token).toMatch(/^[A-Za-z0-9_-]{24}$/);
      expect(Date.parse(invite.expires ?? '')).toBeGreaterThan(Date.now());
      expect(invite.landingUrl).toBeUndefined();

      expect(await signUp(server, 'juliet', invite.token)).toEqual({ ok: true });
      const registration = await eventually(forUser(t.registrations, 'juliet'), 'the registration event');
      expect(registration).toMatchObject({ serverId: profile.id, jid: `juliet@${server.domain}`, ip: '127.0.0.1', source: 'watchregistrations', catchUp: false });
      // A window opened later still gets it.
      expect(await t.service.recentRegistrations()).toContainEqual(registration);

      expect(await signUp(server, 'juliet2', invite.token)).toMatchObject({ ok: false, stage: 'preauth', condition: 'forbidden' });
      expect(await signUp(server, 'nobody')).toMatchObject({ ok: false, condition: 'not-acceptable' });
    });
  });

  it('creates contact invites and batches of distinct account invites', async () => {
    const server = stock();
    await withTestService(async (t) => {
      const profile = profileFor(server, admin);
      await t.service.connect({ profile, password: admin.password });
      const [contact] = await t.service.createInvites({ serverId: profile.id, kind: 'contact' });
      expect(contact?.uri).toMatch(new RegExp(`^xmpp:admin@${server.domain.replace('.', '\\.')}\\?roster;preauth=[A-Za-z0-9_-]{24};ibr=y$`));
      const batch = await t.service.createInvites({ serverId: profile.id, kind: 'account', count: 12 });
      expect(batch).toHaveLength(12);
      expect(new Set(batch.map((i) => i.token)).size).toBe(12);
      expect(await signUp(server, 'batchling', batch[11]?.token)).toEqual({ ok: true });
    });
  });

  it('delivers sign-ups that happened while disconnected on the next connect, with their original times, once', async () => {
    const server = stock();
    await withTestService(async (t) => {
      const profile = profileFor(server, admin);
      await t.service.connect({ profile, password: admin.password });
      const invites = await t.service.createInvites({ serverId: profile.id, kind: 'account', count: 2 });
      await t.service.disconnect(profile.id);

      const before = Date.now();
      expect(await signUp(server, 'offline1', invites[0]?.token)).toEqual({ ok: true });
      expect(await signUp(server, 'offline2', invites[1]?.token)).toEqual({ ok: true });
      const after = Date.now();
      // Stored offline notices carry second-precision stamps; later than "after" would mean the reconnect time was used.
      await new Promise((resolve) => setTimeout(resolve, 1100));

      await t.service.connect({ profile });
      const first = await eventually(forUser(t.registrations, 'offline1'), 'the first missed sign-up');
      const second = await eventually(forUser(t.registrations, 'offline2'), 'the second missed sign-up');
      for (const r of [first, second]) {
        expect(r.catchUp).toBe(true);
        expect(Date.parse(r.time)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
        expect(Date.parse(r.time)).toBeLessThanOrEqual(after);
      }
      await t.service.disconnect(profile.id);
      await t.service.connect({ profile });
      await t.service.createInvites({ serverId: profile.id, kind: 'account' });
      expect(t.registrations.filter((r) => r.username.startsWith('offline'))).toHaveLength(2);
    });
  });

  it('still gets every sign-up while the admin is also online on a phone', async () => {
    const server = stock();
    const t = await createTestService();
    // A phone at a high priority of its own; the app's is higher still.
    const phone = await otherClient(server, admin, 'phone', PRESENCE_PRIORITY - 77);
    try {
      const profile = profileFor(server, admin);
      await t.service.connect({ profile, password: admin.password });
      const [invite] = await t.service.createInvites({ serverId: profile.id, kind: 'account' });
      expect(await signUp(server, 'romeo', invite?.token)).toEqual({ ok: true });
      expect(await eventually(forUser(t.registrations, 'romeo'), 'the sign-up with a phone online')).toMatchObject({ catchUp: false });
    } finally {
      await phone.entity.stop().catch(() => undefined);
      await t.dispose();
    }
  });

  it('ignores a look-alike notice sent by a user', async () => {
    const server = stock();
    const t = await createTestService();
    try {
      const profile = profileFor(server, admin);
      const info = await t.service.connect({ profile, password: admin.password });
      const mallory = await otherClient(server, admin, 'mallory');
      await mallory.entity.send(xml('message', { to: info.account, type: 'chat' }, xml('body', {}, `User fake just registered on ${server.domain} from 10.0.0.1`)));
      // A real sign-up afterwards proves the fake one had its chance to arrive first.
      const [invite] = await t.service.createInvites({ serverId: profile.id, kind: 'account' });
      expect(await signUp(server, 'genuine', invite?.token)).toEqual({ ok: true });
      await eventually(forUser(t.registrations, 'genuine'), 'the genuine sign-up');
      expect(t.registrations.map((r) => r.username)).not.toContain('fake');
      await mallory.entity.stop();
    } finally {
      await t.dispose();
    }
  });
});

describe('saved sign-in', () => {
  const stock = prosodyFixture({ domain: 'saved.test', admins: [admin] });

  it('logs in without the password, and no file in the settings folder holds the password or the keys in clear', async () => {
    const server = stock();
    await withTestService(async (t) => {
      const profile = profileFor(server, admin);
      await t.service.connect({ profile, password: admin.password });
      await t.service.disconnect(profile.id);
      expect((await t.service.listProfiles())[0]?.hasSavedCredentials).toBe(true);

      // A new service over the same folder, as after restarting the app.
      const again = await createTestService({}, t.home);
      const info = await again.service.connect({ profile });
      expect(info.domain).toBe(server.domain);
      await again.service.shutdown();

      for (const file of await readdir(t.home)) {
        const text = await readFile(join(t.home, file), 'utf8');
        expect(text, file).not.toContain(admin.password);
        expect(text, file).not.toMatch(/clientKey|serverKey/);
      }
    });
  });

  it('asks for the password again when the server-side password changed', async () => {
    const server = stock();
    const t = await createTestService();
    try {
      const profile = profileFor(server, admin);
      await t.service.connect({ profile, password: admin.password });
      await t.service.disconnect(profile.id);
      // Registering an existing account sets a new password, with a new salt.
      await server.register({ username: admin.username, password: 'new-password' });
      const error = await expectAdminError(t.service.connect({ profile }));
      expect(error.code).toBe('password-required');
      expect((await t.service.listProfiles())[0]?.hasSavedCredentials).toBe(false);
      expect((await expectAdminError(t.service.connect({ profile }))).code).toBe('password-required');
      await t.service.connect({ profile, password: 'new-password' });
    } finally {
      await server.register(admin);
      await t.dispose();
    }
  });
});

describe('connection life', () => {
  const restartable = prosodyFixture({ domain: 'restart.test', admins: [admin] });

  it('reconnects by itself after Prosody restarts, reporting each status, and works again', async () => {
    const server = restartable();
    const t = await createTestService();
    try {
      const profile = profileFor(server, admin);
      await t.service.connect({ profile, password: admin.password });
      await server.restart();
      await eventually(() => (t.statuses.at(-1)?.state === 'online' && t.statuses.some((s) => s.state === 'reconnecting') ? true : undefined), 'the session to come back', 60_000);
      const reconnecting = t.statuses.find((s) => s.state === 'reconnecting');
      expect(reconnecting).toMatchObject({ serverId: profile.id, attempt: 1 });
      expect(reconnecting?.retryInMs).toBeGreaterThanOrEqual(500);
      expect(reconnecting?.retryInMs).toBeLessThanOrEqual(1000);
      expect(reconnecting?.reason).toContain('lost');
      const invites = await t.service.createInvites({ serverId: profile.id, kind: 'account' });
      expect(invites).toHaveLength(1);
      expect((await t.service.serverInfo(profile.id)).domain).toBe(server.domain);
    } finally {
      await t.dispose();
    }
  });

  it('stops retrying after a deliberate disconnect', async () => {
    const server = restartable();
    await withTestService(async (t) => {
      const profile = profileFor(server, admin);
      await t.service.connect({ profile, password: admin.password });
      await server.restart();
      await eventually(() => (t.statuses.some((s) => s.state === 'reconnecting') ? true : undefined), 'a reconnect to start');
      await t.service.disconnect(profile.id);
      const count = t.statuses.length;
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect(t.statuses.slice(count)).toEqual([]);
      expect(t.statuses.at(-1)?.state).toBe('offline');
    });
  });

  it('turns a server that never answers into a timeout, not a hang', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const t = await createTestService({ connectMs: 1500, requestMs: 1000 });
    try {
      const server = restartable();
      const error = await expectAdminError(t.service.connect({ profile: profileFor(server, admin, { address: `127.0.0.1:${port}` }), password: admin.password }));
      expect(error.code).toBe('timeout');
    } finally {
      await t.dispose();
      silent.close();
    }
  });
});

describe('account actions (XEP-0133)', () => {
  const stock = prosodyFixture({ domain: 'actions.test', admins: [admin], users: [{ username: 'spammer', password: 'spam' }, { username: 'noisy', password: 'noisy' }] });

  it('deletes an account and ends sessions; says clearly what the server lacks', async () => {
    const server = stock();
    const t = await createTestService();
    try {
      const profile = profileFor(server, admin);
      await t.service.connect({ profile, password: admin.password });
      await t.service.endSessions({ serverId: profile.id, jid: `noisy@${server.domain}` });
      await t.service.deleteAccount({ serverId: profile.id, jid: `spammer@${server.domain}` });
      const login = await expectAdminError(
        (async () => {
          const t2 = await createTestService();
          try {
            await t2.service.connect({ profile: profileFor(server, { username: 'spammer', password: 'spam' }), password: 'spam' });
          } finally {
            await t2.dispose();
          }
        })(),
      );
      expect(login.code).toBe('auth-failed');

      // Disabling, on 13 and 0.12 alike, is in prosody13-app.test.ts.
      expect((await expectAdminError(t.service.deleteAccount({ serverId: profile.id, jid: 'someone@elsewhere.test' }))).code).toBe('invalid-input');
      expect((await expectAdminError(t.service.deleteAccount({ serverId: profile.id, jid: `admin@${server.domain}` }))).code).toBe('invalid-input');
      expect((await expectAdminError(t.service.createInvites({ serverId: 'unknown', kind: 'account' }))).code).toBe('not-connected');
    } finally {
      await t.dispose();
    }
  });
});

describe('a server without the invite commands', () => {
  const bare = prosodyFixture({ domain: 'bare.test', admins: [admin], modules: ['admin_adhoc'] });

  it('answers invite requests with feature-missing and the config that enables them', async () => {
    const server = bare();
    await withTestService(async (t) => {
      const profile = profileFor(server, admin);
      await t.service.connect({ profile, password: admin.password });
      const error = await expectAdminError(t.service.createInvites({ serverId: profile.id, kind: 'account' }));
      expect(error.code).toBe('feature-missing');
      expect(error.message).toContain('"invites_register"');
    });
  });
});
