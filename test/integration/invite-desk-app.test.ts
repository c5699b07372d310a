import { describe, expect, it } from 'vitest';
import xml from '@xmpp/xml';
import type { PolicyChange } from '../../common/api';
import { MODULE_NODES, NS } from '../../electron/core/features/invite-desk';
import { prosodyFixture } from '../helpers/fixtures';
import { WITH_INVITE_DESK } from '../helpers/prosody';
import { signUp } from '../helpers/raw-register';
import { createTestService, eventually, expectAdminError, otherClient, profileFor, withTestService } from '../helpers/session';

const admin = { username: 'admin', password: 'admin-password' };
const member = { username: 'member', password: 'member-password' };
const withModule = { admins: [admin], users: [member], ...WITH_INVITE_DESK };


describe('the app with mod_invite_desk: the registration policy', () => {
  const module = prosodyFixture({ domain: 'policy.test', ...withModule });

  it('lets anyone in when open, only invitees when invite-only, nobody when closed, and survives a restart', async () => {
    const server = module();
    await withTestService(async (t) => {
      const profile = profileFor(server, admin);
      const info = await t.service.connect({ profile, password: admin.password });
      expect(info.capabilities.find((c) => c.id === 'invite-desk')?.state).toBe('available');
      expect(await t.service.getPolicy(profile.id)).toBe('invite-only');

      const [invite] = await t.service.createInvites({ serverId: profile.id, kind: 'account', count: 1 });
      expect(await signUp(server, 'walkin1')).toMatchObject({ ok: false, text: 'Registration on this server is through invitation only' });
      expect(await signUp(server, 'invited1', invite?.token)).toEqual({ ok: true });

      await t.service.setPolicy({ serverId: profile.id, policy: 'open' });
      expect(await signUp(server, 'walkin2')).toEqual({ ok: true });

      await t.service.setPolicy({ serverId: profile.id, policy: 'closed' });
      const [another] = await t.service.createInvites({ serverId: profile.id, kind: 'account' });
      const refused = await signUp(server, 'invited2', another?.token);
      expect(refused).toMatchObject({ ok: false, stage: 'register', text: 'Registration on this server is closed' });
      expect(await signUp(server, 'walkin3')).toMatchObject({ ok: false, text: 'Registration on this server is closed' });

      await server.restart();
      await eventually(() => (t.statuses.at(-1)?.state === 'online' && t.statuses.some((s) => s.state === 'reconnecting') ? true : undefined), 'the reconnect');
      expect(await t.service.getPolicy(profile.id)).toBe('closed');
      await t.service.setPolicy({ serverId: profile.id, policy: 'invite-only' });
    });
  });

  it('tells every connected admin session of a change at once', async () => {
    const server = module();
    const first = await createTestService();
    const second = await createTestService();
    try {
      const profile = profileFor(server, admin);
      await first.service.connect({ profile, password: admin.password });
      await second.service.connect({ profile, password: admin.password });
      const seen: PolicyChange[] = [];
      second.service.on('policy', (change) => seen.push(change));
      await first.service.setPolicy({ serverId: profile.id, policy: 'open' });
      expect(await eventually(() => seen.find((c) => c.policy === 'open'), 'the change in the other session')).toMatchObject({ by: `admin@${server.domain}` });
      expect(await second.service.getPolicy(profile.id)).toBe('open');
      await first.service.setPolicy({ serverId: profile.id, policy: 'invite-only' });
    } finally {
      await first.dispose();
      await second.dispose();
    }
  });
});

describe('the app with mod_invite_desk: the policy overrides the config', () => {
  const openConfig = prosodyFixture({ domain: 'override.test', ...withModule, extraConfig: 'allow_registration = true\nregistration_invite_only = false' });

  it('keeps walk-ins out under invite-only although the config opens registration, and grants a role from an invite', async () => {
    const server = openConfig();
    await withTestService(async (t) => {
      const profile = profileFor(server, admin);
      await t.service.connect({ profile, password: admin.password });
      expect(await t.service.getPolicy(profile.id)).toBe('invite-only');
      expect(await signUp(server, 'walkin')).toMatchObject({ ok: false, text: 'Registration on this server is through invitation only' });
      const [invite] = await t.service.createInvites({ serverId: profile.id, kind: 'account', role: 'prosody:admin' });
      expect(await signUp(server, 'newadmin', invite?.token)).toEqual({ ok: true });
      // The role made the new account an admin: it may connect as one.
      const info = await (async () => {
        const other = await createTestService();
        try {
          return await other.service.connect({ profile: profileFor(server, { username: 'newadmin', password: 'newadmin-pw' }), password: 'newadmin-pw' });
        } finally {
          await other.dispose();
        }
      })();
      expect(info.domain).toBe(server.domain);
    });
  });
});

describe('the app with mod_invite_desk: invites and the ledger', () => {
  const module = prosodyFixture({ domain: 'ledger.test', ...withModule });

  it('enforces a use limit of 3 exactly, with 10 sign-ups at once', async () => {
    const server = module();
    await withTestService(async (t) => {
      const profile = profileFor(server, admin);
      await t.service.connect({ profile, password: admin.password });
      const [invite] = await t.service.createInvites({ serverId: profile.id, kind: 'account', maxUses: 3, note: 'meetup table' });
      const outcomes = await Promise.all(Array.from({ length: 10 }, (_, i) => signUp(server, `crowd${i}`, invite?.token)));
      expect(outcomes.filter((o) => o.ok)).toHaveLength(3);
      // Refused at registration while uses remain in flight, or already at preauth once the invite is spent.
      for (const outcome of outcomes) if (!outcome.ok) expect(['This invite has been used up', 'The invite token is invalid or expired']).toContain(outcome.text);
      const page = await t.service.listInvites({ serverId: profile.id, query: 'meetup' });
      expect(page.invites[0]).toMatchObject({ id: invite?.id, state: 'used', maxUses: 3, note: 'meetup table' });
      expect(page.invites[0]?.uses).toHaveLength(3);
    });
  });

  it('makes batches of 1, 2 and 100 with a role, a note, an expiry and a use limit, each saying its role', async () => {
    const server = module();
    await withTestService(async (t) => {
      const profile = profileFor(server, admin);
      await t.service.connect({ profile, password: admin.password });
      for (const count of [1, 2, 100]) {
        const note = `app batch of ${count}`;
        const made = await t.service.createInvites({ serverId: profile.id, kind: 'account', count, role: 'prosody:member', note, expiresInSeconds: 7200, maxUses: 3 });
        expect(made, note).toHaveLength(count);
        for (const invite of made) expect(invite.role).toBe('prosody:member');
        const page = await t.service.listInvites({ serverId: profile.id, query: note, limit: 1000 });
        expect(page.invites.map((i) => [i.role, i.note, i.maxUses, i.state])).toEqual(made.map(() => ['prosody:member', note, 3, 'pending']));
      }
      // The ledger finds them by their role, and not one without.
      await t.service.createInvites({ serverId: profile.id, kind: 'account', note: 'app batch without a role' });
      expect((await t.service.listInvites({ serverId: profile.id, role: 'prosody:member', limit: 1 })).total).toBe(103);
      expect((await t.service.listInvites({ serverId: profile.id, role: '*', query: 'app batch', limit: 1 })).total).toBe(103);
    });
  });

  it('gives an account made with a default invite no admin rights', async () => {
    const server = module();
    await withTestService(async (t) => {
      const profile = profileFor(server, admin);
      await t.service.connect({ profile, password: admin.password });
      const [invite] = await t.service.createInvites({ serverId: profile.id, kind: 'account' });
      expect(invite?.role).toBeUndefined();
      expect(await signUp(server, 'plainmember', invite?.token)).toEqual({ ok: true });
      expect((await eventually(() => t.registrations.find((r) => r.username === 'plainmember'), 'the sign-up')).role).toBeUndefined();
      // A sign-up with a role says so.
      const [helper] = await t.service.createInvites({ serverId: profile.id, kind: 'account', role: 'prosody:member' });
      expect(await signUp(server, 'rolehelper', helper?.token)).toEqual({ ok: true });
      expect((await eventually(() => t.registrations.find((r) => r.username === 'rolehelper'), 'the sign-up with a role')).role).toBe('prosody:member');
      const other = await createTestService();
      try {
        const refused = await expectAdminError(other.service.connect({ profile: profileFor(server, { username: 'plainmember', password: 'plainmember-pw' }), password: 'plainmember-pw' }));
        expect(refused.code).toBe('not-admin');
      } finally {
        await other.dispose();
      }
    });
  });

  it('enforces a bound username', async () => {
    const server = module();
    await withTestService(async (t) => {
      const profile = profileFor(server, admin);
      await t.service.connect({ profile, password: admin.password });
      const [invite] = await t.service.createInvites({ serverId: profile.id, kind: 'account', username: 'alice' });
      expect(invite?.uri).toBe(`xmpp:alice@${server.domain}?register;preauth=${invite?.token}`);
      expect(await signUp(server, 'mallory', invite?.token)).toMatchObject({ ok: false, text: 'This invite is for the account alice only' });
      expect(await signUp(server, 'alice', invite?.token)).toEqual({ ok: true });
    });
  });

  it('creates a batch of working invites, invites that never expire, and shows every state in the ledger', async () => {
    const server = module();
    await withTestService(async (t) => {
      const profile = profileFor(server, admin);
      await t.service.connect({ profile, password: admin.password });
      const batch = await t.service.createInvites({ serverId: profile.id, kind: 'account', count: 25, note: 'batch' });
      expect(new Set(batch.map((i) => i.token)).size).toBe(25);
      expect(await signUp(server, 'batch24', batch[24]?.token)).toEqual({ ok: true });
      const [forever] = await t.service.createInvites({ serverId: profile.id, kind: 'account', expiresInSeconds: 0, note: 'printed' });
      expect(forever?.expires).toBeUndefined();
      const [soon] = await t.service.createInvites({ serverId: profile.id, kind: 'account', expiresInSeconds: 1, note: 'short' });
      const [revoked] = await t.service.createInvites({ serverId: profile.id, kind: 'account', note: 'to revoke' });
      expect(await t.service.revokeInvites({ serverId: profile.id, ids: [revoked?.id ?? ''] })).toEqual({ revoked: 1 });
      expect(await signUp(server, 'late', revoked?.token)).toMatchObject({ ok: false, stage: 'preauth' });

      // Made with prosodyctl, outside the module, then used.
      expect(await signUp(server, 'fromcli', await server.createInviteWithCli())).toEqual({ ok: true });
      // Wait, generously, for the one-second invite to expire.
      let all = await t.service.listInvites({ serverId: profile.id, limit: 1000 });
      for (let tries = 0; all.invites.find((i) => i.note === 'short')?.state !== 'expired' && tries < 40; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        all = await t.service.listInvites({ serverId: profile.id, limit: 1000 });
      }
      const byNote = (note: string) => all.invites.find((i) => i.note === note);
      expect(byNote('printed')).toMatchObject({ state: 'pending' });
      expect(byNote('printed')?.expires).toBeUndefined();
      expect(byNote('short')).toMatchObject({ state: 'expired' });
      expect(byNote('to revoke')).toMatchObject({ state: 'revoked' });
      expect(byNote('to revoke')?.uri).toBeUndefined();
      expect(all.invites.find((i) => i.uses.some((u) => u.jid === `fromcli@${server.domain}`))).toMatchObject({ state: 'used', source: 'prosodyctl' });
      expect(all.invites.find((i) => i.id === batch[24]?.id)).toMatchObject({ state: 'used', uses: [{ jid: `batch24@${server.domain}` }] });

      const used = await t.service.listInvites({ serverId: profile.id, state: 'used' });
      expect(used.invites.every((i) => i.state === 'used')).toBe(true);
      const paged = await t.service.listInvites({ serverId: profile.id, state: 'pending', offset: 2, limit: 5 });
      expect(paged.invites).toHaveLength(5);
      expect(paged.total).toBeGreaterThanOrEqual(24);

      expect((await t.service.purgeExpiredInvites(profile.id)).purged).toBeGreaterThanOrEqual(1);
      expect(soon?.id).toBeDefined();
    });
  });

  it('creates password-reset and contact invites, and checks its input', async () => {
    const server = module();
    await withTestService(async (t) => {
      const profile = profileFor(server, admin);
      await t.service.connect({ profile, password: admin.password });
      const [reset] = await t.service.createInvites({ serverId: profile.id, kind: 'reset', username: 'member' });
      expect(reset?.uri).toContain(`xmpp:member@${server.domain}?register;preauth=`);
      const [contact] = await t.service.createInvites({ serverId: profile.id, kind: 'contact' });
      expect(contact?.uri).toMatch(/\?roster;preauth=.*;ibr=y$/);
      expect((await expectAdminError(t.service.createInvites({ serverId: profile.id, kind: 'reset', username: 'nobody' }))).message).toContain('There is no account nobody');
      expect((await expectAdminError(t.service.createInvites({ serverId: profile.id, kind: 'account', username: 'member' }))).message).toContain('already exists');
    });
  });
});

describe('the app with mod_invite_desk: a ledger that forgets spent invites', () => {
  // Its notes said in other words and without figures, as a translated module would: the app reads the form fields.
  // Prosody 13 runs the daily tasks a second after start, and the daily drop of old records would take the spent
  // invite's record before the purge could: the purge's own count is what this tests, so the daily pass waits.
  const module = prosodyFixture({
    domain: 'forgetful.test',
    ...withModule,
    modules: [...withModule.modules, 'test_translated_notes'],
    extraConfig: 'invite_desk_ledger_days = 0\ncron_initial_delay = 86400',
  });

  it('reports the records a purge let go of, and lists the invite no more', async () => {
    const server = module();
    await withTestService(async (t) => {
      const profile = profileFor(server, admin);
      await t.service.connect({ profile, password: admin.password });
      const [invite] = await t.service.createInvites({ serverId: profile.id, kind: 'account', note: 'spent at once' });
      expect(await signUp(server, 'spender', invite?.token)).toEqual({ ok: true });
      // Kept for 0 days: once a second has passed since its use, the next purge lets it go.
      let purge = await t.service.purgeExpiredInvites(profile.id);
      for (let tries = 0; purge.forgotten === 0 && tries < 40; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        purge = await t.service.purgeExpiredInvites(profile.id);
      }
      expect(purge).toEqual({ purged: 0, forgotten: 1, ledgerDays: 0 });
      const [other] = await t.service.createInvites({ serverId: profile.id, kind: 'account', note: 'revoked' });
      expect(await t.service.revokeInvites({ serverId: profile.id, ids: [other?.id ?? ''] })).toEqual({ revoked: 1 });
      expect((await t.service.listInvites({ serverId: profile.id })).invites.find((i) => i.id === invite?.id)).toBeUndefined();
    });
  });
});

describe('the app with mod_invite_desk: sign-up events', () => {
  const module = prosodyFixture({ domain: 'events.test', ...withModule });

  it('delivers live events, then the ones missed while offline once each and in order, and no plain-text duplicates', async () => {
    const server = module();
    await withTestService(async (t) => {
      const profile = profileFor(server, admin);
      await t.service.connect({ profile, password: admin.password });
      const invites = await t.service.createInvites({ serverId: profile.id, kind: 'account', count: 4, note: 'events' });
      expect(await signUp(server, 'live1', invites[0]?.token)).toEqual({ ok: true });
      const live = await eventually(() => t.registrations.find((r) => r.username === 'live1'), 'the live event');
      expect(live).toMatchObject({ source: 'invite-desk', catchUp: false, invite: invites[0]?.id, inviter: `admin@${server.domain}`, note: 'events', ip: '127.0.0.1' });

      // The server drops; sign-ups happen while the app is away.
      await server.restart(0);
      await eventually(() => (t.statuses.at(-1)?.state === 'reconnecting' ? true : undefined), 'the drop');
      await t.service.disconnect(profile.id);
      for (const [i, name] of ['missed1', 'missed2', 'missed3'].entries()) expect(await signUp(server, name, invites[i + 1]?.token)).toEqual({ ok: true });
      await t.service.connect({ profile });
      await eventually(() => t.registrations.find((r) => r.username === 'missed3'), 'the missed events');
      const names = t.registrations.map((r) => r.username);
      expect(names).toEqual(['live1', 'missed1', 'missed2', 'missed3']);
      expect(t.registrations.slice(1).every((r) => r.catchUp && r.source === 'invite-desk')).toBe(true);
    });
  });
});

describe('the app with mod_invite_desk: security', () => {
  const module = prosodyFixture({ domain: 'secure.test', ...withModule });

  it('refuses every command and the event subscription to a normal user', async () => {
    const server = module();
    const user = await otherClient(server, member, 'probe');
    try {
      for (const node of Object.values(MODULE_NODES)) {
        const reply = await user.iqCaller
          .request(xml('iq', { type: 'set', to: server.domain }, xml('command', { xmlns: 'http://jabber.org/protocol/commands', node, action: 'execute' })))
          .catch((error: unknown) => error);
        expect((reply as { condition?: string }).condition, node).toBe('forbidden');
      }
      const subscribe = await user.iqCaller.request(xml('iq', { type: 'set', to: server.domain }, xml('subscribe', { xmlns: NS.events }))).catch((error: unknown) => error);
      expect((subscribe as { condition?: string }).condition).toBe('forbidden');
    } finally {
      await user.entity.stop();
    }
    const log = await server.log();
    expect(log).not.toMatch(/preauth=[A-Za-z0-9_-]{24}/);
  });

  it('answers a non-admin app with not-admin, and stock-only options with feature-missing on a server without the module', async () => {
    const server = module();
    await withTestService(async (t) => {
      expect((await expectAdminError(t.service.connect({ profile: profileFor(server, member), password: member.password }))).code).toBe('not-admin');
    });
  });
});

describe('a server without mod_invite_desk', () => {
  const stock = prosodyFixture({ domain: 'nomodule.test', admins: [admin] });

  it('explains what the module would add', async () => {
    const server = stock();
    await withTestService(async (t) => {
      const profile = profileFor(server, admin);
      await t.service.connect({ profile, password: admin.password });
      for (const work of [
        t.service.getPolicy(profile.id),
        t.service.setPolicy({ serverId: profile.id, policy: 'open' }),
        t.service.listInvites({ serverId: profile.id }),
        t.service.createInvites({ serverId: profile.id, kind: 'account', maxUses: 5 }),
        // A bare reset is stock on Prosody 13 (prosody13-app.test.ts); its options are the module's everywhere.
        t.service.createInvites({ serverId: profile.id, kind: 'reset', username: 'admin', expiresInSeconds: 3600 }),
      ]) {
        const error = await expectAdminError(work);
        expect(error.code).toBe('feature-missing');
        expect(error.message).toContain('sudo prosodyctl install /tmp/mod_invite_desk-');
      }
    });
  });
});

describe('the app with mod_invite_desk: what became of accounts', () => {
  const module = prosodyFixture({ domain: 'accounts.test', ...withModule });

  it('disables and enables on 13, refusing a repeat, and shows what the server says after a restart of the app, deletions too', async () => {
    const server = module();
    const first = await createTestService();
    const profile = profileFor(server, admin);
    const jid = (name: string): string => `${name}@${server.domain}`;
    let restarted: Awaited<ReturnType<typeof createTestService>> | undefined;
    try {
      await first.service.connect({ profile, password: admin.password });
      const made = await first.service.createInvites({ serverId: profile.id, kind: 'account', count: 2 });
      expect(await signUp(server, 'dave', made[0]?.token)).toEqual({ ok: true });
      expect(await signUp(server, 'eve', made[1]?.token)).toEqual({ ok: true });
      const states = async (t: typeof first): Promise<Record<string, string>> =>
        Object.fromEntries((await t.service.accountStates({ serverId: profile.id, jids: [jid('dave'), jid('eve')] })).map((a) => [a.jid, `${a.state} (${a.source})`]));
      expect(await states(first)).toEqual({ [jid('dave')]: 'active (server)', [jid('eve')]: 'active (server)' });

      if (server.version === '13') {
        await first.service.disableAccount({ serverId: profile.id, jid: jid('dave') });
        expect((await states(first))[jid('dave')]).toBe('disabled (server)');
        const again = await expectAdminError(first.service.disableAccount({ serverId: profile.id, jid: jid('dave') }));
        expect([again.code, again.message]).toEqual(['invalid-input', `${jid('dave')} is already disabled. Nothing changed.`]);
      }
      await first.service.deleteAccount({ serverId: profile.id, jid: jid('eve') });
      await first.dispose();

      // The app again, as after a reload or a restart: what it shows comes from the server.
      restarted = await createTestService();
      await restarted.service.connect({ profile, password: admin.password });
      expect(await states(restarted)).toEqual({ [jid('dave')]: server.version === '13' ? 'disabled (server)' : 'active (server)', [jid('eve')]: 'deleted (server)' });
      if (server.version === '13') {
        await restarted.service.enableAccount({ serverId: profile.id, jid: jid('dave') });
        expect((await states(restarted))[jid('dave')]).toBe('active (server)');
        const again = await expectAdminError(restarted.service.enableAccount({ serverId: profile.id, jid: jid('dave') }));
        expect([again.code, again.message]).toEqual(['invalid-input', `${jid('dave')} is already enabled. Nothing changed.`]);
      }
    } finally {
      await first.dispose().catch(() => undefined);
      await restarted?.dispose();
    }
  });
});
