import { afterEach, describe, expect, it } from 'vitest';
import type { JoinRequestsChange } from '../../common/api';
import { prosodyFixture } from '../helpers/fixtures';
import { isProsody13Installed, PROJECT_PLUGIN_PATH, prosodyFlavour, STOCK_MODULES, WITH_INVITE_DESK, type Account, type ProsodyServer } from '../helpers/prosody';
import { createInvites, setPolicy, signIn } from '../helpers/invite-desk-protocol';
import { signUp } from '../helpers/raw-register';
import { createTestService, eventually, profileFor, testClient, type TestService } from '../helpers/session';

/**
 * Ask to join through the app's API, on a real Prosody: the request arrives,
 * the newcomer's sign-in is refused with the waiting text, an admin approves
 * or rejects, and requests made while the app was closed are listed, and
 * counted as new, after a restart.
 */

const admin: Account = { username: 'admin', password: 'admin-password' };
const member: Account = { username: 'member', password: 'member-password' };
const server = prosodyFixture({ domain: 'ask.test', admins: [admin], users: [member], ...WITH_INVITE_DESK });

/** Signs in as a newcomer with the app's own client: null when it works, else the SASL failure. */
async function signInAs(target: ProsodyServer, username: string): Promise<{ condition: string; text: string } | null> {
  const client = testClient(target, { username, password: `${username}-pw` }, 'phone');
  client.entity.on('error', () => undefined);
  try {
    await client.entity.start();
    await client.entity.stop();
    return null;
  } catch (error) {
    const { condition, text } = error as { condition?: string; text?: string };
    return { condition: condition ?? 'none', text: text ?? '' };
  }
}

let t: TestService | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

/** A service connected as the admin, recording every requests event. */
async function connected(home?: string): Promise<{ t: TestService; changes: JoinRequestsChange[]; serverId: string }> {
  const service = await createTestService({}, home);
  const changes: JoinRequestsChange[] = [];
  service.service.on('join-requests', (change) => changes.push(change));
  const profile = profileFor(server(), admin);
  await service.service.connect({ profile, password: admin.password });
  return { t: service, changes, serverId: profile.id };
}

describe('requests to join, through the app', () => {
  it('refuses a held newcomer with the waiting text, and lets them in once approved; a rejected name is free again', async () => {
    const c = await connected();
    t = c.t;
    const { service } = c.t;
    await service.setPolicy({ serverId: c.serverId, policy: 'approval' });
    expect(await signUp(server(), 'hopeful')).toEqual({ ok: true });
    expect(await signUp(server(), 'bot')).toEqual({ ok: true });

    const added = await eventually(() => c.changes.find((change) => change.added?.some((r) => r.username === 'bot')), 'the request of bot');
    expect(added).toMatchObject({ serverId: c.serverId, domain: 'ask.test', unseen: 1 });
    expect(added.added?.[0]).toMatchObject({ jid: 'bot@ask.test', why: 'no-invite', ip: '127.0.0.1' });

    const refused = await signInAs(server(), 'hopeful');
    expect(refused?.condition).toBe('account-disabled');
    expect(refused?.text).toContain('waiting for approval by the admins of ask.test');

    const listed = await service.listJoinRequests(c.serverId);
    expect(listed.requests.map((r) => r.username).sort()).toEqual(['bot', 'hopeful']);
    expect(listed.expireDays).toBe(14);

    expect(await service.approveJoinRequests({ serverId: c.serverId, jids: ['hopeful@ask.test', 'member@ask.test'] })).toEqual({
      decided: ['hopeful@ask.test'],
      notWaiting: ['member@ask.test'],
      failed: [],
    });
    expect(await signInAs(server(), 'hopeful')).toBeNull();

    expect((await service.rejectJoinRequests({ serverId: c.serverId, jids: ['bot@ask.test'] })).decided).toEqual(['bot@ask.test']);
    expect((await signInAs(server(), 'bot'))?.condition).toBe('not-authorized');
    expect(await signUp(server(), 'bot')).toEqual({ ok: true });
    await eventually(() => c.changes.find((change) => change.added?.some((r) => r.username === 'bot') && change !== added), 'bot asking again');
    expect((await service.rejectJoinRequests({ serverId: c.serverId, all: true })).decided).toEqual(['bot@ask.test']);
    expect((await service.listJoinRequests(c.serverId)).requests).toEqual([]);
    await service.setPolicy({ serverId: c.serverId, policy: 'invite-only' });
  });

  it('lists requests made while the app was closed after a restart, counting only those as new', async () => {
    const first = await connected();
    t = first.t;
    await first.t.service.setPolicy({ serverId: first.serverId, policy: 'approval' });
    expect(await signUp(server(), 'early')).toEqual({ ok: true });
    await eventually(() => first.changes.find((change) => change.added?.some((r) => r.username === 'early')), 'the first request');
    const home = first.t.home;
    // The app closes (its settings stay), and someone asks meanwhile.
    await first.t.service.shutdown();
    expect(await signUp(server(), 'meanwhile')).toEqual({ ok: true });

    const second = await connected(home);
    t = second.t;
    const listed = await eventually(() => second.changes.find((change) => change.list !== undefined), 'the catch-up listing');
    expect(listed.list?.map((r) => r.username).sort()).toEqual(['early', 'meanwhile']);
    expect(listed.unseen).toBe(1);
    await second.t.service.rejectJoinRequests({ serverId: second.serverId, all: true });
    await second.t.service.setPolicy({ serverId: second.serverId, policy: 'invite-only' });
  });
});

describe('member invites, through the app', () => {
  it("reads and saves the rules, shows the tree, and revokes all of a member's unused invites in one request", async () => {
    const c = await connected();
    t = c.t;
    const { service } = c.t;
    const rules = await service.getMemberInviteRules(c.serverId);
    expect(rules).toMatchObject({ serverId: c.serverId, who: 'admins', perPeriod: 3, periodDays: 7, maxPending: 3, minAgeDays: 7 });
    if (server().version === '13') expect(rules.roles).toContain('prosody:member');
    else expect(rules.roles).toBeUndefined();
    await service.setMemberInviteRules({ serverId: c.serverId, who: 'members', perPeriod: 5, periodDays: 30, maxPending: 4, minAgeDays: 0 });
    expect(await service.getMemberInviteRules(c.serverId)).toMatchObject({ who: 'members', perPeriod: 5, periodDays: 30, maxPending: 4, minAgeDays: 0 });

    const phone = await signIn(server(), member, 'phone');
    const made = await createInvites(phone, { count: 3 }).finally(() => phone.stop());
    expect(await signUp(server(), 'sapling', made[0]?.token)).toEqual({ ok: true });
    const tree = await service.inviterTree(c.serverId);
    expect(tree.entries.find((e) => e.jid === 'sapling@ask.test')).toMatchObject({ invitedBy: 'member@ask.test' });
    expect(tree.entries.find((e) => e.jid === 'member@ask.test')).toMatchObject({ pending: 2, holdInvitees: false });

    expect(await service.revokeMemberInvites({ serverId: c.serverId, jid: 'member@ask.test' })).toEqual({ revoked: 2 });
    expect((await service.inviterTree(c.serverId)).entries.find((e) => e.jid === 'member@ask.test')?.pending).toBe(0);
    await service.holdInvitees({ serverId: c.serverId, jid: 'member@ask.test', hold: true });
    expect((await service.inviterTree(c.serverId)).entries.find((e) => e.jid === 'member@ask.test')?.holdInvitees).toBe(true);
    await service.holdInvitees({ serverId: c.serverId, jid: 'member@ask.test', hold: false });
    await service.setMemberInviteRules({ ...rules, who: 'admins' });
  });
});

describe.skipIf(!isProsody13Installed())('a held newcomer signing in with SASL2 on Prosody 13 (mod_sasl2)', () => {
  const sasl2 = prosodyFixture({
    version: '13',
    domain: 'sasl2-ask.test',
    admins: [admin],
    modules: [...STOCK_MODULES, 'invite_desk', 'sasl2', 'sasl2_bind2', 'sasl2_fast'],
    pluginPaths: [PROJECT_PLUGIN_PATH, prosodyFlavour('13').moduleDir],
  });

  it('is refused with the waiting text too', async () => {
    const session = await signIn(sasl2(), admin, 'setup');
    await setPolicy(session, 'approval').finally(() => session.stop());
    expect(await signUp(sasl2(), 'modern')).toEqual({ ok: true });
    const refused = await signInAs(sasl2(), 'modern');
    expect(refused?.condition).toBe('account-disabled');
    expect(refused?.text).toContain('waiting for approval by the admins of sasl2-ask.test');
  });
});
