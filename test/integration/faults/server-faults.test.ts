import { describe, expect, it } from 'vitest';
import type { ConnectionStatus } from '../../../common/api';
import { AdminError, ERROR_CODES } from '../../../common/errors';
import { prosodyFixture } from '../../helpers/fixtures';
import { startProsody, WITH_INVITE_DESK } from '../../helpers/prosody';
import { signUp } from '../../helpers/raw-register';
import { createTestService, eventually, profileFor, withTestService, type TestService } from '../../helpers/session';

/**
 * Faults of real servers while the app is connected: restarts, a hung
 * process, several servers with one of them failing, and sign-ups while the
 * app is away. Each ends with nothing lost or duplicated, and every failure
 * carrying a contract code. Timeouts are short here so that each scenario's
 * time is bounded; everything runs on loopback.
 */

const admin = { username: 'admin', password: 'admin-password' };
const QUICK = { connectMs: 10_000, requestMs: 2_000, keepAliveMs: 1_000 };


async function contractError(work: Promise<unknown>): Promise<AdminError> {
  const failure = await work.then(
    () => new Error('expected a failure'),
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(AdminError);
  expect(ERROR_CODES).toContain((failure as AdminError).code);
  return failure as AdminError;
}

const stateOf = (t: TestService, serverId: string): ConnectionStatus['state'] | undefined =>
  [...t.statuses].reverse().find((s) => s.serverId === serverId)?.state;

describe('a server that restarts or hangs while the app is connected', () => {
  const stock = prosodyFixture({ domain: 'faults.test', admins: [admin] });

  it('refuses calls with not-connected while the server is down, then comes back by itself', async () => {
    const server = stock();
    await withTestService(async (t) => {
      const profile = profileFor(server, admin);
      await t.service.connect({ profile, password: admin.password });
      const restarting = server.restart(1_500);
      // Prosody closes its sessions as it stops: the stream drops, and with it every pending call.
      await eventually(() => (stateOf(t, profile.id) === 'reconnecting' ? true : undefined), 'the drop');
      const failure = await contractError(t.service.createInvites({ serverId: profile.id, kind: 'account' }));
      expect(failure.code).toBe('not-connected');
      await restarting;
      await eventually(() => (stateOf(t, profile.id) === 'online' ? true : undefined), 'the reconnect');
      expect(await t.service.createInvites({ serverId: profile.id, kind: 'account' })).toHaveLength(1);
    }, QUICK);
  });

  it('answers a call to a hung server with timeout, and works again once it wakes', async () => {
    const server = stock();
    await withTestService(
      async (t) => {
        const profile = profileFor(server, admin);
        await t.service.connect({ profile, password: admin.password });
        server.signal('SIGSTOP');
        try {
          const failure = await contractError(t.service.createInvites({ serverId: profile.id, kind: 'account' }));
          expect(['timeout', 'not-connected']).toContain(failure.code);
        } finally {
          server.signal('SIGCONT');
        }
        // Back online, whether the session survived or reconnected.
        const invites = await eventually(
          () => (stateOf(t, profile.id) === 'online' ? true : undefined),
          'the session online again',
        ).then(() => t.service.createInvites({ serverId: profile.id, kind: 'account' }));
        expect(invites).toHaveLength(1);
      },
      { ...QUICK, keepAliveMs: 60_000 },
    );
  });
});

describe('several servers at once', () => {
  it('keeps four servers working while the fifth restarts, and brings the fifth back', async () => {
    const servers = await Promise.all(Array.from({ length: 5 }, (_, i) => startProsody({ domain: `many${i}.test`, admins: [admin] })));
    const t = await createTestService(QUICK);
    try {
      const profiles = servers.map((server) => profileFor(server, admin));
      await Promise.all(profiles.map((profile) => t.service.connect({ profile, password: admin.password })));
      const [failing, ...steady] = profiles;
      if (!failing) throw new Error('no servers');
      const seenBefore = t.statuses.length;
      const restarting = servers[0]?.restart(1_000);
      // While it is down, every other server answers.
      for (const profile of steady) expect(await t.service.createInvites({ serverId: profile.id, kind: 'account' })).toHaveLength(1);
      await restarting;
      await eventually(() => (stateOf(t, failing.id) === 'online' && t.statuses.length > seenBefore ? true : undefined), 'the fifth back online');
      // The other four never left "online".
      expect(t.statuses.slice(seenBefore).filter((s) => s.serverId !== failing.id)).toEqual([]);
      for (const profile of profiles) expect(await t.service.createInvites({ serverId: profile.id, kind: 'account' })).toHaveLength(1);
    } finally {
      await t.dispose();
      await Promise.all(servers.map((server) => server.stop()));
    }
  });
});

describe('sign-ups while the app is away', () => {
  const stock = prosodyFixture({ domain: 'away.test', admins: [admin] });
  const module = prosodyFixture({ domain: 'away-module.test', admins: [admin], ...WITH_INVITE_DESK });

  it.each([
    ['stock Prosody', () => stock()],
    ['mod_invite_desk', () => module()],
  ])('are all reported once after the reconnect on %s, and none twice', async (_, server) => {
    await withTestService(async (t) => {
      const profile = profileFor(server(), admin);
      await t.service.connect({ profile, password: admin.password });
      const invites = await t.service.createInvites({ serverId: profile.id, kind: 'account', count: 10 });
      expect(await signUp(server(), 'before0', invites[0]?.token ?? '')).toEqual({ ok: true });
      await eventually(() => t.registrations.find((r) => r.username === 'before0'), 'the live sign-up');

      await t.service.disconnect(profile.id);
      const missed = invites.slice(1, 9);
      for (const [i, invite] of missed.entries()) expect(await signUp(server(), `away${i}`, invite.token)).toEqual({ ok: true });
      await t.service.connect({ profile });

      await eventually(() => (t.registrations.filter((r) => r.username.startsWith('away')).length === missed.length ? true : undefined), 'every missed sign-up');
      // A last live one after the catch-up: once it is in, nothing more of the catch-up is on its way.
      expect(await signUp(server(), 'after0', invites[9]?.token ?? '')).toEqual({ ok: true });
      await eventually(() => t.registrations.find((r) => r.username === 'after0'), 'the sign-up after the reconnect');
      const names = t.registrations.map((r) => r.username);
      expect(names.sort()).toEqual(['after0', 'before0', ...missed.map((_, i) => `away${i}`)].sort());
      expect(t.registrations.filter((r) => r.username.startsWith('away')).every((r) => r.catchUp)).toBe(true);
    });
  });
});
