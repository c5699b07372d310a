import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import Activity from '../../renderer/src/components/Activity.svelte';
import PolicySwitch from '../../renderer/src/components/PolicySwitch.svelte';
import type { ActivityRequest, AdminActivity } from '../../common/api';
import { fakeApi } from './fake-api';

const minutesAgo = (n: number): string => new Date(Date.now() - n * 60_000).toISOString();

const log: AdminActivity[] = [
  { serverId: 's1', id: '3', kind: 'invites-revoked', time: minutesAgo(2), by: 'anna@example.org', count: 2, accounts: [], invites: ['00000000000000a1', '00000000000000b2'] },
  { serverId: 's1', id: '2', kind: 'account-deleted', time: minutesAgo(90), by: 'ben@example.org', accounts: ['spammer@example.org'], invites: [] },
  { serverId: 's1', id: '1', kind: 'policy-changed', time: minutesAgo(200), by: 'anna@example.org', policy: 'invite-only', previous: 'open', accounts: [], invites: [] },
];

function activity(entries = log): { api: ReturnType<typeof fakeApi>; rerender: (props: { latest: AdminActivity }) => Promise<void> } {
  const api = fakeApi({
    listActivity: (request: ActivityRequest) => {
      const found = entries.filter((e) => (!request.by || e.by === request.by) && (!request.kind || e.kind === request.kind));
      const from = request.offset ?? 0;
      return Promise.resolve({ total: found.length, admins: ['anna@example.org', 'ben@example.org'], entries: found.slice(from, from + (request.limit ?? 50)) });
    },
  });
  const { rerender } = render(Activity, { api, serverId: 's1', withModule: true });
  return { api, rerender };
}

describe('the activity view', () => {
  it('lists who did what and when, newest first, and filters by admin and by kind', async () => {
    const { api } = activity();
    const list = await screen.findByRole('list', { name: /What admins did, newest first \(3 in all\)/ });
    const items = within(list).getAllByRole('listitem').map((li) => li.textContent.replace(/\s+/g, ' ').trim());
    expect(items[0]).toMatch(/^anna@example\.org revoked 2 invites 2 minutes ago 00000000000000a1, 00000000000000b2$/);
    expect(items[1]).toMatch(/^ben@example\.org deleted spammer@example\.org 2 hours ago$/);
    expect(items[2]).toMatch(/^anna@example\.org switched registration to invite-only \(was open\) 3 hours ago$/);

    await fireEvent.change(screen.getByRole('combobox', { name: 'Admin' }), { target: { value: 'ben@example.org' } });
    await waitFor(() => expect(within(screen.getByRole('list')).getAllByRole('listitem')).toHaveLength(1));
    await fireEvent.change(screen.getByRole('combobox', { name: 'Kind' }), { target: { value: 'policy-changed' } });
    expect(await screen.findByText('Nothing matches these filters.')).toBeTruthy();
    expect(api.calls.filter((c) => c.method === 'listActivity').at(-1)?.argument).toMatchObject({ by: 'ben@example.org', kind: 'policy-changed', offset: 0 });
  });

  it('pages like the ledger, and reads the first page again when an admin acts', async () => {
    const many = Array.from({ length: 120 }, (_, i): AdminActivity => ({ serverId: 's1', id: String(i), kind: 'invites-created', time: minutesAgo(i + 1), by: 'anna@example.org', count: 1, inviteKind: 'account', accounts: [], invites: [] }));
    const { api, rerender } = activity(many);
    expect(await screen.findByText('1–50 of 120')).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect(await screen.findByText('51–100 of 120')).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Previous' }));
    expect(await screen.findByText('1–50 of 120')).toBeTruthy();
    expect(screen.getAllByText(/created 1 account invite/)).toHaveLength(50);
    const asked = (): number => api.calls.filter((c) => c.method === 'listActivity').length;
    const before = asked();
    await rerender({ latest: { ...(many[0] as AdminActivity), id: 'new' } });
    await waitFor(() => expect(asked()).toBeGreaterThan(before));
    expect(api.calls.at(-1)?.argument).toMatchObject({ offset: 0 });
  });

  it('says the module is needed on stock Prosody', () => {
    render(Activity, { api: fakeApi(), serverId: 's1', withModule: false });
    expect(screen.getByRole('note').textContent).toMatch(/The log of what each admin did needs the Invite Desk module on this server\./);
  });
});

describe('the policy switch', () => {
  it('says who switched it, and how long ago, when another admin did', () => {
    render(PolicySwitch, {
      policy: 'invite-only',
      available: true,
      domain: 'example.org',
      onchange: () => Promise.resolve(),
      change: { serverId: 's1', policy: 'invite-only', by: 'anna@example.org', time: minutesAgo(2) },
    });
    expect(screen.getByText(/Switched to invite-only by anna@example\.org,/).textContent.replace(/\s+/g, ' ')).toBe('Switched to invite-only by anna@example.org, 2 minutes ago.');
  });
});
