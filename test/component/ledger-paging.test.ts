import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import Ledger from '../../renderer/src/components/Ledger.svelte';
import type { InvitePage, LedgerInvite, ListInvitesRequest } from '../../common/api';
import { fakeApi } from './fake-api';

/** The ledger asks the server for one page at a time, waits for typing to pause, and shows only the newest answer. */

const invite = (i: number, note: string): LedgerInvite => ({ id: i.toString(16).padStart(16, '0'), kind: 'account', state: 'pending', uses: [], createdAt: '2026-11-20T10:00:00.000Z', note });

function pageOf(request: Pick<ListInvitesRequest, 'offset' | 'limit'>, total: number, note = 'stored'): InvitePage {
  const from = request.offset ?? 0;
  const count = Math.max(0, Math.min(request.limit ?? 100, total - from));
  return { total, invites: Array.from({ length: count }, (_, i) => invite(from + i + 1, note)) };
}

describe('the invite ledger at scale', () => {
  it('pages through the total, 100 at a time', async () => {
    const api = fakeApi({ listInvites: (request) => Promise.resolve(pageOf(request, 250)) });
    render(Ledger, { api, serverId: 's1', withModule: true });
    expect(await screen.findByText('1–100 of 250')).toBeTruthy();
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Previous' }).disabled).toBe(true);
    await fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect(await screen.findByText('101–200 of 250')).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect(await screen.findByText('201–250 of 250')).toBeTruthy();
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Next' }).disabled).toBe(true);
    const offsets = api.calls.filter((c) => c.method === 'listInvites').map((c) => (c.argument as ListInvitesRequest).offset);
    expect(offsets).toEqual([0, 100, 200]);
    // 300 table rows in jsdom, on a busy machine.
  }, 30_000);

  it('asks once when typing pauses, and never lets an older answer replace a newer one', async () => {
    const answers: { request: ListInvitesRequest; resolve: (page: InvitePage) => void }[] = [];
    const api = fakeApi({ listInvites: (request) => new Promise((resolve) => answers.push({ request, resolve })) });
    render(Ledger, { api, serverId: 's1', withModule: true });
    await waitFor(() => expect(answers).toHaveLength(1));
    answers[0]?.resolve(pageOf({}, 3));
    const search = await screen.findByRole('searchbox');
    for (const typed of ['m', 'me', 'mee']) await fireEvent.input(search, { target: { value: typed } });
    await waitFor(() => expect(answers).toHaveLength(2));
    expect(answers[1]?.request.query).toBe('mee');
    await fireEvent.input(search, { target: { value: 'meet' } });
    await waitFor(() => expect(answers).toHaveLength(3));
    // The newer search answers first; the older one's late answer is dropped.
    answers[2]?.resolve(pageOf({}, 1, 'meetup'));
    expect(await screen.findByText('meetup')).toBeTruthy();
    answers[1]?.resolve(pageOf({}, 2, 'meeting'));
    await new Promise((settle) => setTimeout(settle, 50));
    expect(screen.queryByText('meeting')).toBeNull();
    expect(screen.getByText('1–1 of 1')).toBeTruthy();
  });
});
