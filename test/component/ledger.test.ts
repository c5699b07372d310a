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
    createdBy: 'admin@example.org',
    note: 'meetup',
  },
  { id: '00000000000000b2', kind: 'reset', state: 'pending', uses: [], createdAt: '2026-11-21T09:00:00.000Z', expires: '2026-11-22T09:00:00.000Z', username: 'alice', createdBy: 'admin@example.org' },
  { id: '00000000000000c3', kind: 'contact', state: 'revoked', uses: [], createdAt: '2026-11-18T09:00:00.000Z' },
];

function ledger(): ReturnType<typeof fakeApi> {
  const api = fakeApi({
    listInvites: (request: ListInvitesRequest) => {
      const found = invites.filter((i) => (!request.state || i.state === request.state) && (!request.query || (i.note ?? '').includes(request.query)));
      return Promise.resolve({ total: found.length, invites: found });
    },
  });
  render(Ledger, { api, serverId: 's1', withModule: true });
  return api;
}

describe('the invite ledger', () => {
  it('shows kind, created and created-by, and no "Never" expiry for a used invite', async () => {
    ledger();
    const used = (await screen.findByText('meetup')).closest('tr') as HTMLElement;
    const headers = screen.getAllByRole('columnheader').map((h) => h.textContent.trim());
    expect(headers).toEqual(expect.arrayContaining(['Kind', 'Created', 'Created by', 'Expires']));
    const cells = within(used).getAllByRole('cell').map((c) => c.textContent.trim());
    expect(cells[headers.indexOf('Kind')]).toBe('Account');
    expect(cells[headers.indexOf('Created by')]).toBe('admin@example.org');
    expect(cells[headers.indexOf('Created')]).toBe(new Date('2026-11-19T09:00:00.000Z').toLocaleDateString(undefined, { dateStyle: 'medium' }));
    expect(cells[headers.indexOf('Expires')]).not.toBe('Never');
    expect(used.textContent).not.toContain('Never');
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

  it('says which spent invites a purge let go of, and how old they had to be', async () => {
    let answer = { purged: 3, forgotten: 2, ledgerDays: 365 };
    const api = fakeApi({
      listInvites: () => Promise.resolve({ total: invites.length, invites }),
      purgeExpiredInvites: () => Promise.resolve(answer),
    });
    render(Ledger, { api, serverId: 's1', withModule: true });
    await fireEvent.click(await screen.findByRole('button', { name: 'Remove expired' }));
    await screen.findByText('Removed 3 expired invites from the server. The ledger let go of 2 invites last used, revoked or expired more than 365 days ago.');
    answer = { purged: 1, forgotten: 0, ledgerDays: 365 };
    await fireEvent.click(screen.getByRole('button', { name: 'Remove expired' }));
    await screen.findByText('Removed 1 expired invite from the server.');
  });
});
