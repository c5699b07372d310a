import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import App from '../../renderer/src/App.svelte';
import InviteStudio from '../../renderer/src/components/InviteStudio.svelte';
import Members from '../../renderer/src/components/Members.svelte';
import PolicySwitch from '../../renderer/src/components/PolicySwitch.svelte';
import type { CreateInvitesRequest, InviterTreeEntry, JoinDecisionRequest, JoinRequest, RegistrationPolicy } from '../../common/api';
import { fakeApi, serverInfo } from './fake-api';

const minutesAgo = (minutes: number): string => new Date(Date.now() - minutes * 60_000).toISOString();

const request = (username: string, extra: Partial<JoinRequest> = {}): JoinRequest => ({
  serverId: 's1',
  username,
  jid: `${username}@example.org`,
  time: minutesAgo(5),
  ip: '203.0.113.7',
  why: 'no-invite',
  ...extra,
});

const REQUEST_COMMANDS = ['urn:x-invite-desk:invites:0#create', 'urn:x-invite-desk:requests:0#list', 'urn:x-invite-desk:members:0#tree'];

/** The app with one online server whose module holds requests to join, on Prosody 13 (it can disable accounts) when asked. */
function app(requests: JoinRequest[], options: { prosody13?: boolean } = {}): ReturnType<typeof fakeApi> {
  const nodes = [...REQUEST_COMMANDS, ...(options.prosody13 ? ['http://jabber.org/protocol/admin#disable-user'] : [])];
  const api = fakeApi({
    listProfiles: () => Promise.resolve([{ id: 's1', jid: 'admin@example.org', hasSavedCredentials: true, unread: 2, connectAtStart: true }]),
    connectionStatuses: () => Promise.resolve([{ serverId: 's1', state: 'online' }]),
    serverInfo: () => Promise.resolve(serverInfo({ commands: nodes.map((node) => ({ node, name: node })) })),
    getPolicy: () => Promise.resolve('approval'),
    listJoinRequests: () => Promise.resolve({ requests, total: requests.length, expireDays: 14 }),
  });
  render(App, { api });
  return api;
}

const decisions = (api: ReturnType<typeof fakeApi>, method: string): JoinDecisionRequest[] =>
  api.calls.filter((c) => c.method === method).map((c) => c.argument as JoinDecisionRequest);

describe('requests to join', () => {
  it('show as a badge beside the unread count, and list time, address, burst and reason', async () => {
    app([
      request('ann', { reason: 'I sing in the choir', ip: '198.51.100.2' }),
      request('bot1', { time: minutesAgo(2) }),
      request('bot2', { time: minutesAgo(1) }),
      request('old', { time: minutesAgo(90) }),
    ]);
    const servers = await screen.findByRole('navigation', { name: 'Servers' });
    await waitFor(() => expect(within(servers).getByRole('button', { name: /example\.org/ }).textContent).toContain('4: 4 requests to join'));
    expect(within(servers).getByRole('button', { name: /example\.org/ }).textContent).toContain('2: 2 new sign-ups');
    const tab = await screen.findByRole('tab', { name: /Requests/ });
    expect(tab.textContent).toContain('4, 4 waiting');

    await fireEvent.click(tab);
    const list = await screen.findByRole('list', { name: 'Requests to join example.org' });
    const rows = within(list).getAllByRole('listitem');
    expect(rows.map((row) => within(row).getByText(/@example\.org$/).textContent)).toEqual(['bot2@example.org', 'bot1@example.org', 'ann@example.org', 'old@example.org']);
    const bot1 = rows[1] as HTMLElement;
    expect(bot1.textContent).toContain('from 203.0.113.7');
    // Three asked from 203.0.113.7, one of them more than an hour ago.
    expect(within(bot1).getByText('2 requests from this address in the last hour')).toBeTruthy();
    expect(within(rows[2] as HTMLElement).getByText('1 request from this address in the last hour')).toBeTruthy();
    expect(within(rows[2] as HTMLElement).getByText('“I sing in the choir”')).toBeTruthy();
    expect(screen.getByText(/Requests older than 14 days are rejected by the server/)).toBeTruthy();
  });

  it('approves one at once, rejects the selected after asking, and takes decided ones off the list and the badges', async () => {
    const api = app([request('ann'), request('bot1'), request('bot2')]);
    await fireEvent.click(await screen.findByRole('tab', { name: /Requests/ }));
    await fireEvent.click(await screen.findByRole('button', { name: 'Approve ann@example.org' }));
    await waitFor(() => expect(decisions(api, 'approveJoinRequests')).toEqual([{ serverId: 's1', jids: ['ann@example.org'] }]));
    expect((await screen.findByRole('status')).textContent).toBe('Approved ann@example.org.');
    await waitFor(() => expect(screen.queryByText('ann@example.org')).toBeNull());
    expect(screen.getByRole('tab', { name: /Requests/ }).textContent).toContain('2, 2 waiting');

    await fireEvent.click(screen.getByRole('checkbox', { name: 'Select bot1@example.org' }));
    await fireEvent.click(screen.getByRole('checkbox', { name: 'Select bot2@example.org' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Reject selected' }));
    const confirm = screen.getByRole('dialog', { name: 'Reject 2 requests?' });
    expect(confirm.textContent).toContain('their names are free again');
    await fireEvent.click(within(confirm).getByRole('button', { name: 'Reject and delete' }));
    await waitFor(() => expect(decisions(api, 'rejectJoinRequests')).toEqual([{ serverId: 's1', jids: ['bot1@example.org', 'bot2@example.org'] }]));
    expect(await screen.findByText('Nobody is waiting.')).toBeTruthy();
    expect(screen.getByRole('tab', { name: 'Requests' }).textContent).toBe('Requests');
  });

  it('rejects all in one request, keeping the accounts disabled where the server can, and says which no longer waited', async () => {
    const api = app([request('a'), request('b')], { prosody13: true });
    api.rejectJoinRequests = (r) => {
      api.calls.push({ method: 'rejectJoinRequests', argument: r });
      return Promise.resolve({ decided: ['a@example.org'], notWaiting: ['b@example.org'], failed: [] });
    };
    await fireEvent.click(await screen.findByRole('tab', { name: /Requests/ }));
    await fireEvent.click(await screen.findByRole('checkbox', { name: /Keep rejected accounts, disabled/ }));
    await fireEvent.click(screen.getByRole('button', { name: 'Reject all' }));
    await fireEvent.click(within(screen.getByRole('dialog', { name: 'Reject both requests?' })).getByRole('button', { name: 'Reject, keep disabled' }));
    await waitFor(() => expect(decisions(api, 'rejectJoinRequests')).toEqual([{ serverId: 's1', all: true, keepDisabled: true }]));
    expect((await screen.findByRole('status')).textContent).toBe(
      'Rejected and kept disabled a@example.org. 1 account no longer waited, and nothing changed for them: b@example.org.',
    );
  });

  it('adds a request pushed by the server, and takes off one decided elsewhere', async () => {
    const api = app([request('ann')]);
    await fireEvent.click(await screen.findByRole('tab', { name: /Requests/ }));
    await screen.findByText('ann@example.org');
    api.emit('join-requests', { serverId: 's1', domain: 'example.org', added: [request('newcomer', { time: minutesAgo(0) })], unseen: 1 });
    await screen.findByText('newcomer@example.org');
    api.emit('join-requests', { serverId: 's1', domain: 'example.org', removed: ['ann@example.org'], unseen: 0 });
    await waitFor(() => expect(screen.queryByText('ann@example.org')).toBeNull());
    expect(screen.getByRole('tab', { name: /Requests/ }).textContent).toContain('1, 1 waiting');
  });

  it("shows a server's requests when their notification is clicked", async () => {
    const api = app([request('ann')]);
    await screen.findByRole('tab', { name: /Requests/ });
    api.emit('reveal-requests', { serverId: 's1' });
    await waitFor(() => expect(screen.getByRole('tab', { name: /Requests/ }).getAttribute('aria-selected')).toBe('true'));
  });
});

describe('the policy switch', () => {
  it('asks before letting anyone ask to join', async () => {
    const changes: RegistrationPolicy[] = [];
    render(PolicySwitch, { policy: 'invite-only', available: true, domain: 'example.org', onchange: (p: RegistrationPolicy) => Promise.resolve(void changes.push(p)) });
    expect(screen.getAllByRole('radio').map((r) => r.closest('label')?.querySelector('.label')?.textContent.replace('✓', ''))).toEqual(['Open', 'Ask to join', 'Invite-only', 'Closed']);
    await fireEvent.click(screen.getByRole('radio', { name: /Ask to join/ }));
    const dialog = screen.getByRole('dialog', { name: 'Let anyone ask to join?' });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(changes).toEqual([]);
    expect(screen.getByRole<HTMLInputElement>('radio', { name: /Invite-only/ }).checked).toBe(true);
    await fireEvent.click(screen.getByRole('radio', { name: /Ask to join/ }));
    await fireEvent.click(screen.getByRole('button', { name: 'Let people ask' }));
    await waitFor(() => expect(changes).toEqual(['approval']));
  });
});

describe('the studio', () => {
  it('marks a batch as needing approval where the server holds sign-ups, and never remembers it', async () => {
    const sent: CreateInvitesRequest[] = [];
    const saved: unknown[] = [];
    render(InviteStudio, {
      serverId: 's1',
      withModule: true,
      approvals: true,
      create: (r: CreateInvitesRequest) => Promise.resolve(void sent.push(r)).then(() => []),
      saveChoices: (c: unknown) => Promise.resolve(void saved.push(c)),
    });
    await fireEvent.click(screen.getByRole('checkbox', { name: 'Needs approval' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Create invite' }));
    await waitFor(() => expect(sent[0]?.needsApproval).toBe(true));
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(JSON.stringify(saved[0])).not.toContain('pproval');
  });

  it('offers no such choice where the server cannot hold sign-ups', () => {
    render(InviteStudio, { serverId: 's1', withModule: true, create: () => Promise.resolve([]) });
    expect(screen.queryByRole('checkbox', { name: 'Needs approval' })).toBeNull();
  });
});

describe('members who invite', () => {
  const tree: InviterTreeEntry[] = [
    { jid: 'admin@example.org', pending: 2, holdInvitees: false },
    { jid: 'ann@example.org', invitedBy: 'admin@example.org', joined: '2026-11-01T10:00:00Z', pending: 3, holdInvitees: false },
    { jid: 'kid@example.org', invitedBy: 'ann@example.org', joined: '2026-11-20T10:00:00Z', pending: 0, holdInvitees: true },
  ];

  it('saves who may invite and the limits, and shows who invited whom', async () => {
    const api = fakeApi({ inviterTree: () => Promise.resolve({ entries: tree, total: 3 }) });
    render(Members, { api, serverId: 's1', domain: 'example.org' });
    await fireEvent.click(await screen.findByRole('radio', { name: 'Every member' }));
    await fireEvent.input(screen.getByRole('spinbutton', { name: /invites every/ }), { target: { value: '5' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(api.calls.find((c) => c.method === 'setMemberInviteRules')?.argument).toEqual({
        serverId: 's1',
        who: 'members',
        perPeriod: 5,
        periodDays: 7,
        maxPending: 3,
        minAgeDays: 7,
      }),
    );
    expect(screen.getByRole('radio', { name: /Members of a role/ }).matches(':disabled')).toBe(true);

    // kid sits under ann, who sits under admin.
    const kid = screen.getByText('kid@example.org').closest('li');
    const ann = screen.getByText('ann@example.org').closest('li');
    expect(ann?.contains(kid ?? null)).toBe(true);
    expect(screen.getByText('admin@example.org').closest('li')?.contains(ann ?? null)).toBe(true);
    expect(within(kid as HTMLElement).getByText('Invitees wait for approval')).toBeTruthy();
  });

  it("revokes a member's unused invites in one request, after asking, and holds their invitees", async () => {
    const api = fakeApi({ inviterTree: () => Promise.resolve({ entries: tree, total: 3 }), revokeMemberInvites: () => Promise.resolve({ revoked: 3 }) });
    render(Members, { api, serverId: 's1', domain: 'example.org' });
    await fireEvent.click(await screen.findByRole('button', { name: 'Revoke unused invites of ann@example.org' }));
    await fireEvent.click(within(screen.getByRole('dialog', { name: 'Revoke the unused invites of ann@example.org?' })).getByRole('button', { name: 'Revoke 3 invites' }));
    await screen.findByText('Revoked 3 unused invites of ann@example.org.');
    expect(api.calls.filter((c) => c.method === 'revokeMemberInvites').map((c) => c.argument)).toEqual([{ serverId: 's1', jid: 'ann@example.org' }]);

    const hold = screen.getByRole('button', { name: 'Hold their invitees (ann@example.org)' });
    expect(hold.getAttribute('aria-pressed')).toBe('false');
    await fireEvent.click(hold);
    await waitFor(() => expect(api.calls.find((c) => c.method === 'holdInvitees')?.argument).toEqual({ serverId: 's1', jid: 'ann@example.org', hold: true }));
  });
});
