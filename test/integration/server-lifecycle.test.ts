import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdminError } from '../../common/errors';
import { createAdminService } from '../../electron/core/admin-service';
import { EncryptedFileCredentialStore, MemoryCredentialStore } from '../../electron/core/settings/credential-store';
import { testCipher } from '../helpers/test-cipher';
import { prosodyFixture } from '../helpers/fixtures';
import { startProsody, WITH_INVITE_DESK } from '../helpers/prosody';
import { registerAccount, signUp } from '../helpers/raw-register';
import { seedHistory, seedKey } from '../helpers/invite-desk-protocol';
import { openNodeSettings } from '../../electron/core/settings/settings-store';
import { createTestService, eventually, profileFor, withTestService, type TestService } from '../helpers/session';

/**
 * One owner per server: a sign-in in flight is shared, a drop fails what is
 * pending at once, a removal during a sign-in leaves nothing, a refused
 * candidate leaves no keys and no session, and the catch-up cursor survives
 * an app restart.
 */

const admin = { username: 'admin', password: 'admin-password' };
/** Another start of the app over the same settings folder, not connected to anything. */
const createAdminServiceOver = (home: string) => createAdminService(home, new MemoryCredentialStore());
const member = { username: 'member', password: 'member-password' };

async function failure(work: Promise<unknown>): Promise<AdminError> {
  const error = await work.then(
    () => new Error('expected a failure'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AdminError);
  return error as AdminError;
}

async function sealedIds(t: TestService): Promise<string[]> {
  try {
    return Object.keys((JSON.parse(await readFile(join(t.home, 'credentials.json'), 'utf8')) as { entries: object }).entries);
  } catch {
    return [];
  }
}

describe('the connection of one server', () => {
  const stock = prosodyFixture({ domain: 'lifecycle.test', admins: [admin], users: [member] });

  it('shares one sign-in between two connects at once', async () => {
    await withTestService(async (t) => {
      const profile = profileFor(stock(), admin);
      const [first, second] = await Promise.all([t.service.connect({ profile, password: admin.password }), t.service.connect({ profile, password: admin.password })]);
      expect(second).toBe(first);
      expect((await t.service.connectionStatuses()).filter((s) => s.serverId === profile.id)).toHaveLength(1);
      expect(t.statuses.filter((s) => s.serverId === profile.id && s.state === 'connecting')).toHaveLength(1);
      expect(await t.service.createInvites({ serverId: profile.id, kind: 'account' })).toHaveLength(1);
      // What a bug report carries about it: its state, software and capabilities, and no password.
      const report = await t.service.diagnostics();
      expect(report).toContain(`- ${stock().domain}: online`);
      expect(report).toMatch(/software: Prosody \d/);
      expect(report).toMatch(/capabilities: .*invites=available/);
      expect(report).not.toContain(admin.password);
    });
  });

  it('leaves no keys, no session and no saved server behind a refused candidate', async () => {
    await withTestService(async (t) => {
      const profile = profileFor(stock(), member);
      expect((await failure(t.service.connect({ profile, password: member.password }))).code).toBe('not-admin');
      expect(await sealedIds(t)).toEqual([]);
      expect(await t.service.connectionStatuses()).toEqual([]);
      expect(await t.service.listProfiles()).toEqual([]);
    });
  });
});

describe('a server that fails or goes away during a call', () => {
  it('fails a call in flight with not-connected the moment the connection drops, not at its timeout', async () => {
    const server = await startProsody({ domain: 'drop.test', admins: [admin] });
    const t = await createTestService({ requestMs: 120_000 });
    try {
      const profile = profileFor(server, admin);
      await t.service.connect({ profile, password: admin.password });
      server.signal('SIGSTOP');
      const pending = failure(t.service.createInvites({ serverId: profile.id, kind: 'account' }));
      // The kernel closes a killed server's sockets: the session sees the drop.
      server.signal('SIGKILL');
      expect((await pending).code).toBe('not-connected');
    } finally {
      await t.dispose();
      await server.stop();
    }
  });

  it('leaves nothing of a server removed while it was signing in', async () => {
    const server = await startProsody({ domain: 'removed.test', admins: [admin] });
    const t = await createTestService({ connectMs: 120_000 });
    try {
      const profile = profileFor(server, admin);
      // Saved once, with its keys.
      await t.service.connect({ profile, password: admin.password });
      await t.service.disconnect(profile.id);
      expect(await sealedIds(t)).toEqual([profile.id]);

      server.signal('SIGSTOP');
      const signingIn = failure(t.service.connect({ profile }));
      await eventually(() => t.statuses.filter((s) => s.serverId === profile.id && s.state === 'connecting').at(1), 'the second sign-in under way');
      await t.service.removeProfile(profile.id);
      expect((await signingIn).code).toBe('not-connected');
      server.signal('SIGCONT');

      expect(await t.service.listProfiles()).toEqual([]);
      expect(await t.service.connectionStatuses()).toEqual([]);
      expect(await sealedIds(t)).toEqual([]);
      expect((await failure(t.service.serverInfo(profile.id))).code).toBe('not-connected');
    } finally {
      server.signal('SIGCONT');
      await t.dispose();
      await server.stop();
    }
  });
});

describe('a sign-in ended by the admin', () => {
  const stock = prosodyFixture({ domain: 'interrupted.test', admins: [admin] });

  it('answers a disconnect during a sign-in with not-connected, and leaves the server offline', async () => {
    const t = await createTestService({ connectMs: 120_000 });
    try {
      const profile = profileFor(stock(), admin);
      stock().signal('SIGSTOP');
      const signingIn = failure(t.service.connect({ profile, password: admin.password }));
      await eventually(() => t.statuses.find((s) => s.serverId === profile.id && s.state === 'connecting'), 'the sign-in under way');
      await t.service.disconnect(profile.id);
      const error = await signingIn;
      expect(error.toJSON()).toEqual({ code: 'not-connected', message: 'The connection was closed while signing in.' });
      expect(t.statuses.filter((s) => s.serverId === profile.id).at(-1)).toMatchObject({ state: 'offline', reason: 'Disconnected.' });
      // A server never saved leaves no session behind.
      expect(await t.service.connectionStatuses()).toEqual([]);
    } finally {
      stock().signal('SIGCONT');
      await t.dispose();
    }
  });

  it('writes nothing back of a server removed while its sign-in keys were being sealed', async () => {
    const home = await mkdtemp(join(tmpdir(), 'invite-desk-home-'));
    // A keychain that takes its time, as one asking the user to unlock it does.
    const cipher = testCipher();
    let unlock = (): void => undefined;
    let sealing = (): void => undefined;
    const asked = new Promise<void>((resolve) => (sealing = resolve));
    const unlocked = new Promise<void>((resolve) => (unlock = resolve));
    const slow = { ...cipher, encrypt: async (plain: string) => { sealing(); await unlocked; return cipher.encrypt(plain); } };
    const credentials = new EncryptedFileCredentialStore(join(home, 'credentials.json'), slow);
    const service = createAdminService(home, credentials);
    try {
      const profile = profileFor(stock(), admin);
      const signingIn = failure(service.connect({ profile, password: admin.password }));
      await asked;
      const removed = service.removeProfile(profile.id);
      unlock();
      await removed;
      expect((await signingIn).code).toBe('not-connected');
      expect(await service.listProfiles()).toEqual([]);
      expect(await credentials.get(profile.id)).toBeUndefined();
      // What a restart would find: nothing of it either.
      expect(openNodeSettings(home).store.read().servers).toEqual([]);
      expect(await new EncryptedFileCredentialStore(join(home, 'credentials.json'), cipher).get(profile.id)).toBeUndefined();
    } finally {
      unlock();
      await service.shutdown();
      await rm(home, { recursive: true, force: true });
    }
  });
});

describe('an app restart', () => {
  const module = prosodyFixture({ domain: 'restart.test', admins: [admin], ...WITH_INVITE_DESK });

  it('reports as new only the sign-ups that happened while the app was closed', async () => {
    const first = await createTestService();
    const profile = profileFor(module(), admin);
    await first.service.connect({ profile, password: admin.password });
    const invites = await first.service.createInvites({ serverId: profile.id, kind: 'account', count: 5 });
    for (const [i, invite] of invites.slice(0, 3).entries()) expect(await signUp(module(), `seen${i}`, invite.token)).toEqual({ ok: true });
    await eventually(() => (first.registrations.length === 3 ? true : undefined), 'the three live sign-ups');
    expect((await first.service.listProfiles())[0]?.unread).toBe(3);
    // The admin opens the feed: those three are read.
    await first.service.markSignupsRead(profile.id);
    // The app closes; its settings folder stays.
    await first.service.shutdown();

    for (const [i, invite] of invites.slice(3).entries()) expect(await signUp(module(), `missed${i}`, invite.token)).toEqual({ ok: true });

    const second = await createTestService({}, first.home);
    try {
      await second.service.connect({ profile });
      await eventually(() => (second.registrations.length >= 2 ? true : undefined), 'the sign-ups missed while closed');
      // A live one after the catch-up: once it is in, the catch-up is over.
      const [last] = await second.service.createInvites({ serverId: profile.id, kind: 'account' });
      expect(await signUp(module(), 'afterwards', last?.token ?? '')).toEqual({ ok: true });
      await eventually(() => second.registrations.find((r) => r.username === 'afterwards'), 'the live sign-up');
      expect(second.registrations.map((r) => [r.username, r.catchUp])).toEqual([
        ['missed0', true],
        ['missed1', true],
        ['afterwards', false],
      ]);
      // Unread: what the admin has not seen, and it too survives a restart.
      expect((await second.service.listProfiles())[0]?.unread).toBe(3);
      await second.service.shutdown();
      const third = createAdminServiceOver(second.home);
      expect((await third.listProfiles())[0]?.unread).toBe(3);
      await third.markSignupsRead(profile.id);
      expect((await createAdminServiceOver(second.home).listProfiles())[0]?.unread).toBe(0);
    } finally {
      await second.dispose();
    }
  });
});

describe('an app restart with a long history', () => {
  const module = prosodyFixture({ domain: 'history.test', admins: [admin], ...WITH_INVITE_DESK });

  it('shows none of 10,000 stored sign-ups the app had already seen as new', async () => {
    await seedHistory(module(), 10_000);
    const profile = profileFor(module(), admin);
    const first = await createTestService();
    try {
      // The first start catches up on the whole history, then the app closes.
      await first.service.connect({ profile, password: admin.password });
      expect(first.registrations).toHaveLength(10_000);
      await first.service.shutdown();
      // Its record says where catch-up resumes: after the last event it saw.
      expect(openNodeSettings(first.home).store.read().servers[0]?.cursor).toBe(seedKey(9_999));
      const second = await createTestService({}, first.home);
      try {
        await second.service.connect({ profile });
        // A live sign-up after the connect: once it is reported, any catch-up is over.
        const [invite] = await second.service.createInvites({ serverId: profile.id, kind: 'account' });
        expect(await registerAccount({ port: module().c2sPort, domain: module().domain, username: 'fresh', password: 'fresh-pw', token: invite?.token ?? '' })).toEqual({ ok: true });
        await eventually(() => second.registrations.find((r) => r.username === 'fresh'), 'the live sign-up');
        expect(second.registrations.map((r) => r.username)).toEqual(['fresh']);
      } finally {
        await second.dispose();
      }
    } finally {
      await first.dispose();
    }
  });
});
