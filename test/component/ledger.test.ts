import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import Ledger from '../../renderer/src/components/Ledger.svelte';
import type { LedgerInvite, ListInvitesRequest } from '../../common/api';
import { fakeApi } from './fake-api';

const invites: LedgerInvite[] = [
  {
    id: '00000000000000a1',
    kind: 'account',
    state: 'used',
    uses: [{ jid: 'newcomer@example.org', at: '2026-11-20T10:00:00.000Z' }],
    createdAt: '2026-11-19T09:00:00.000Z',
    expires: '2026-11-26T09:00:00.000Z',
    createdBy: 'admin@example.org',
    note: 'meetup',
    role: 'prosody:admin',
  },
  { id: '00000000000000b2', kind: 'reset', state: 'pending', uses: [], createdAt: '2026-11-21T09:00:00.000Z', expires: '2026-11-22T09:00:00.000Z', username: 'alice', createdBy: 'admin@example.org' },
  { id: '00000000000000c3', kind: 'contact', state: 'revoked', uses: [], createdAt: '2026-11-18T09:00:00.000Z', expires: '2026-11-25T09:00:00.000Z' },
];

function ledger(roles: string[] = []): ReturnType<typeof fakeApi> {
  const api = fakeApi({
    listInvites: (request: ListInvitesRequest) => {
      const found = invites.filter(
        (i) =>
          (!request.state || i.state === request.state) &&
          (!request.query || (i.note ?? '').includes(request.query)) &&
          (!request.role || i.role === request.role || (request.role === '*' && i.role !== undefined)),
      );
      return Promise.resolve({ total: found.length, invites: found });
    },
  });
  render(Ledger, { api, serverId: 's1', withModule: true, roles, domain: 'example.org' });
  return api;
}

describe('the invite ledger', () => {
  it('shows each invite in one cell with its kind, role, note and id, who used it, when and by whom it was made, and no old expiry once spent', async () => {
    ledger();
    const used = (await screen.findByText('meetup')).closest('tr') as HTMLElement;
    const headers = screen.getAllByRole('columnheader').map((h) => h.textContent.trim());
    expect(headers).toEqual(['', 'State', 'Invite', 'Used by', 'Created', 'Expires']);
    const cell = (row: HTMLElement, name: string): string => within(row).getAllByRole('cell')[headers.indexOf(name)]?.textContent.replace(/\s+/g, ' ').trim() ?? '';
    expect(cell(used, 'Invite')).toBe('Account Role: Administrator meetup 00000000000000a1');
    // This server's accounts go by their names alone, in full on hover.
    expect(cell(used, 'Used by')).toBe('1 newcomer');
    expect(within(used).getByText('newcomer').title).toBe('newcomer@example.org');
    expect(cell(used, 'Created')).toBe(`${new Date('2026-11-19T09:00:00.000Z').toLocaleDateString(undefined, { dateStyle: 'medium' })} by admin`);
    expect(cell(used, 'Expires')).toBe('–');
    const revoked = screen.getByText('00000000000000c3').closest('tr') as HTMLElement;
    expect(cell(revoked, 'Expires')).toBe('–');
    const pending = screen.getByText('00000000000000b2').closest('tr') as HTMLElement;
    expect(cell(pending, 'Invite')).toBe('Password reset for alice 00000000000000b2');
    expect(cell(pending, 'Expires')).toBe(new Date('2026-11-22T09:00:00.000Z').toLocaleDateString(undefined, { dateStyle: 'medium' }));
  });

  it('filters by role, by name or any role, and lists the roles by the names people know', async () => {
    const api = ledger(['prosody:member', 'prosody:admin']);
    await screen.findByText('meetup');
    const role = screen.getByLabelText<HTMLSelectElement>('Role');
    expect(Array.from(role.options).map((o) => o.text)).toEqual(['All roles', 'Any role but the default', 'Member', 'Administrator']);
    await fireEvent.change(role, { target: { value: 'prosody:admin' } });
    await waitFor(() => expect(api.calls.filter((c) => c.method === 'listInvites').at(-1)?.argument).toMatchObject({ role: 'prosody:admin' }));
    await screen.findByText('meetup');
    expect(screen.queryByText('00000000000000b2')).toBeNull();
  });

  it('says a search found nothing, not that there are no invites', async () => {
    ledger();
    await screen.findByText('meetup');
    await fireEvent.input(screen.getByLabelText('Search'), { target: { value: 'nothing-like-this' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Search' }));
    await screen.findByText('No invites match “nothing-like-this”.');
    expect(screen.queryByText(/No invites yet/)).toBeNull();
  });

  it('selects all revocable invites at once, and revokes only after confirmation', async () => {
    const api = ledger();
    await screen.findByText('meetup');
    await fireEvent.click(screen.getByRole('checkbox', { name: 'Select all invites shown' }));
    const revoke = screen.getByRole('button', { name: 'Revoke selected (2)' });
    await fireEvent.click(revoke);
    const dialog = screen.getByRole('dialog', { name: 'Revoke 2 invites?' });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(api.calls.filter((c) => c.method === 'revokeInvites')).toEqual([]);
    await fireEvent.click(revoke);
    await fireEvent.click(within(screen.getByRole('dialog', { name: 'Revoke 2 invites?' })).getByRole('button', { name: 'Revoke' }));
    await waitFor(() => expect(api.calls.filter((c) => c.method === 'revokeInvites').map((c) => c.argument)).toEqual([{ serverId: 's1', ids: ['00000000000000a1', '00000000000000b2'] }]));
    await screen.findByText('Revoked 2 invites.');
  });

  it('asks before removing expired invites, saying how many, and says which spent invites a purge let go of', async () => {
    let answer = { purged: 3, forgotten: 2, ledgerDays: 365 };
    let expired = 3;
    const api = fakeApi({
      listInvites: (request: ListInvitesRequest) => Promise.resolve(request.state === 'expired' ? { total: expired, invites: [] } : { total: invites.length, invites }),
      purgeExpiredInvites: () => Promise.resolve(answer),
    });
    render(Ledger, { api, serverId: 's1', withModule: true });
    const purges = (): number => api.calls.filter((c) => c.method === 'purgeExpiredInvites').length;
    await fireEvent.click(await screen.findByRole('button', { name: 'Remove expired' }));
    await fireEvent.click(within(await screen.findByRole('dialog', { name: 'Remove 3 expired invites?' })).getByRole('button', { name: 'Cancel' }));
    expect(purges()).toBe(0);
    await fireEvent.click(screen.getByRole('button', { name: 'Remove expired' }));
    await fireEvent.click(within(await screen.findByRole('dialog', { name: 'Remove 3 expired invites?' })).getByRole('button', { name: 'Remove' }));
    await screen.findByText('Removed 3 expired invites from the server. The ledger let go of 2 invites last used, revoked or expired more than 365 days ago.');
    [answer, expired] = [{ purged: 1, forgotten: 0, ledgerDays: 365 }, 1];
    await fireEvent.click(screen.getByRole('button', { name: 'Remove expired' }));
    await fireEvent.click(within(await screen.findByRole('dialog', { name: 'Remove 1 expired invite?' })).getByRole('button', { name: 'Remove' }));
    await screen.findByText('Removed 1 expired invite from the server.');
    expired = 0;
    await fireEvent.click(screen.getByRole('button', { name: 'Remove expired' }));
    await screen.findByText('There are no expired invites to remove.');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(purges()).toBe(2);
  });
});
