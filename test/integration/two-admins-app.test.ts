import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AdminActivity, PolicyChange } from '../../common/api';
import { prosodyFixture } from '../helpers/fixtures';
import { WITH_INVITE_DESK, type Account } from '../helpers/prosody';
import { createTestService, eventually, expectAdminError, profileFor, type TestService } from '../helpers/session';

/**
 * Two Invite Desks, signed in as two admins of one server, through the app's
 * service: what admin A does reaches B's API as events that name A, and an
 * action on what A changed a moment before gets a clear `conflict`, never a
 * silent success. The log lists it all with who and when.
 */

const anna: Account = { username: 'anna', password: 'anna-password' };
const ben: Account = { username: 'ben', password: 'ben-password' };
const server = prosodyFixture({ domain: 'pair.test', admins: [anna, ben], users: [{ username: 'spammer', password: 'spammer-pw' }], ...WITH_INVITE_DESK });

interface Desk {
  t: TestService;
  serverId: string;
  activity: AdminActivity[];
  policies: PolicyChange[];
}

async function desk(account: Account): Promise<Desk> {
  const t = await createTestService();
  const activity: AdminActivity[] = [];
  const policies: PolicyChange[] = [];
  t.service.on('activity', (entry) => activity.push(entry));
  t.service.on('policy', (change) => policies.push(change));
  const profile = profileFor(server(), account);
  await t.service.connect({ profile, password: account.password });
  return { t, serverId: profile.id, activity, policies };
}

let a: Desk;
let b: Desk;
beforeAll(async () => {
  a = await desk(anna);
  b = await desk(ben);
});
// Each test reads the events of its own actions only.
beforeEach(() => {
  for (const seen of [a, b]) {
    seen.activity.length = 0;
    seen.policies.length = 0;
  }
});
afterAll(async () => {
  await a.t.dispose();
  await b.t.dispose();
});

describe('two admins at once, through the app', () => {
  it("brings A's policy switch, revocation and deletion to B as events naming A, and refuses B's late actions with conflict", async () => {
    const annaJid = `anna@${server().domain}`;
    const started = Date.now() - 1000;

    await a.t.service.setPolicy({ serverId: a.serverId, policy: 'closed' });
    const switched = await eventually(() => b.policies.find((p) => p.policy === 'closed'), "A's switch at B");
    expect(switched).toMatchObject({ serverId: b.serverId, by: annaJid });
    expect(Date.parse(switched.time ?? '')).toBeGreaterThanOrEqual(Math.floor(started / 1000) * 1000);
    expect(await b.t.service.getPolicy(b.serverId)).toBe('closed');
    const logged = await eventually(() => b.activity.find((e) => e.kind === 'policy-changed'), 'the switch as activity');
    expect(logged).toMatchObject({ by: annaJid, policy: 'closed', previous: 'invite-only' });

    const [invite] = await a.t.service.createInvites({ serverId: a.serverId, kind: 'account', note: 'for the pair' });
    const created = await eventually(() => b.activity.find((e) => e.kind === 'invites-created'), 'the new invite at B');
    expect(created).toMatchObject({ by: annaJid, count: 1, inviteKind: 'account' });
    const listed = await b.t.service.listInvites({ serverId: b.serverId, query: 'for the pair' });
    expect(created.invites).toEqual(listed.invites.map((i) => i.id));
    const id = created.invites[0] ?? '';
    expect(invite).toBeDefined();

    expect(await a.t.service.revokeInvites({ serverId: a.serverId, ids: [id] })).toEqual({ revoked: 1 });
    const revoked = await eventually(() => b.activity.find((e) => e.kind === 'invites-revoked'), 'the revocation at B');
    expect(revoked).toMatchObject({ by: annaJid, count: 1, invites: [id] });
    // B revokes what A revoked a moment ago: told so, by whom and when, not a success.
    const late = await expectAdminError(b.t.service.revokeInvites({ serverId: b.serverId, ids: [id] }));
    expect(late.code).toBe('conflict');
    expect(late.message).toMatch(new RegExp(`^Already revoked: ${id} by ${annaJid} at \\d{4}-`));

    await a.t.service.deleteAccount({ serverId: a.serverId, jid: `spammer@${server().domain}` });
    const deleted = await eventually(() => b.activity.find((e) => e.kind === 'account-deleted'), 'the deletion at B');
    expect(deleted).toMatchObject({ by: annaJid, accounts: [`spammer@${server().domain}`] });

    // Both switch from what they saw: A's goes through, B's (made from the policy before it) is refused.
    await a.t.service.setPolicy({ serverId: a.serverId, policy: 'open' });
    await eventually(() => b.policies.find((p) => p.policy === 'open'), "A's second switch at B");
    const raced = await Promise.allSettled([
      a.t.service.setPolicy({ serverId: a.serverId, policy: 'invite-only' }),
      b.t.service.setPolicy({ serverId: b.serverId, policy: 'approval' }),
    ]);
    const refused = raced.filter((r) => r.status === 'rejected');
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ reason: { code: 'conflict', message: expect.stringMatching(/^Registration was switched to \S+ by \S+@pair\.test at .*; nothing was changed\.$/) as unknown } });

    // The log lists them, newest first, with who and when; filtered by admin and kind.
    const page = await b.t.service.listActivity({ serverId: b.serverId, by: 'anna' });
    expect(page.admins).toContain(annaJid);
    expect(page.entries.every((e) => e.by === annaJid && Date.parse(e.time) >= Math.floor(started / 1000) * 1000)).toBe(true);
    expect(page.entries.map((e) => e.kind)).toEqual(expect.arrayContaining(['account-deleted', 'invites-revoked', 'invites-created', 'policy-changed']));
    const revocations = await a.t.service.listActivity({ serverId: a.serverId, kind: 'invites-revoked', limit: 1 });
    expect(revocations.entries).toMatchObject([{ kind: 'invites-revoked', invites: [id], by: annaJid }]);
  });

  it('exports the ledger and the activity log as CSV for a period: a header row, UTC times, and no cell a spreadsheet runs', async () => {
    await a.t.service.createInvites({ serverId: a.serverId, kind: 'account', note: '=HYPERLINK("http://evil.example","x")' });
    // An action of this test's own for the log, whatever ran before.
    const [spare] = await a.t.service.createInvites({ serverId: a.serverId, kind: 'account', note: 'revoked for the log' });
    const spareId = spare?.id ?? '';
    expect(await a.t.service.revokeInvites({ serverId: a.serverId, ids: [spareId] })).toEqual({ revoked: 1 });
    const ledger = await a.t.service.exportCsv({ serverId: a.serverId, what: 'ledger' });
    if (ledger === null || !('content' in ledger)) throw new Error('the preview downloads the file itself');
    expect(ledger.name).toMatch(/^pair\.test-ledger-\d{4}-\d\d-\d\d\.csv$/);
    const lines = ledger.content.split('\r\n');
    expect(lines[0]).toBe('Id,Kind,State,Created,Created by,Expires,Uses,Use limit,Used by,Note,Account,Role');
    const evil = lines.find((line) => line.includes('HYPERLINK'));
    expect(evil).toMatch(/,"'=HYPERLINK\(""http:\/\/evil\.example"",""x""\)",/);
    expect(evil?.split(',')[3]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    // A period before any of it: the header alone.
    const none = await a.t.service.exportCsv({ serverId: a.serverId, what: 'ledger', end: '2020-01-01T00:00:00.000Z' });
    expect(none && 'content' in none ? none.content : '').toBe(`${lines[0] ?? ''}\r\n`);

    const activity = await b.t.service.exportCsv({ serverId: b.serverId, what: 'activity', start: new Date(Date.now() - 3_600_000).toISOString() });
    const rows = activity && 'content' in activity ? activity.content.trimEnd().split('\r\n') : [];
    expect(rows[0]).toBe('Time,Admin,Kind,What,Accounts,Invites');
    const revocation = new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ,anna@pair\\.test,invites-revoked,revoked 1 invite,,${spareId}$`);
    expect(rows.slice(1).some((row) => revocation.test(row))).toBe(true);
  });
});
