import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { SvelteSet } from 'svelte/reactivity';
import Feed from '../../renderer/src/components/Feed.svelte';
import ServerList from '../../renderer/src/components/ServerList.svelte';
import ServerView from '../../renderer/src/components/ServerView.svelte';
import { Desk } from '../../renderer/src/lib/desk.svelte';
import type { Registration } from '../../common/api';
import { fakeApi, serverInfo } from './fake-api';

// jsdom's name computation drops the space before the visually hidden account name, so buttons are found by their text.
const button = (text: string): HTMLElement | undefined => screen.queryAllByRole('button').find((b) => b.textContent === text);

const signup = (id: string, time: string, catchUp = false): Registration => ({
  serverId: 's1',
  id,
  username: id,
  jid: `${id}@example.org`,
  time,
  source: 'invite-desk',
  catchUp,
});

describe('the sign-up feed', () => {
  it('marks a deleted account deleted and offers no second delete, also after the feed is shown again', async () => {
    const api = fakeApi();
    const deleted = new SvelteSet<string>();
    const props = { api, registrations: [signup('spammer', '2026-11-28T12:00:00.000Z')], canDisable: false, deleted };
    const first = render(Feed, props);
    await fireEvent.click(button('Delete spammer@example.org') as HTMLElement);
    await fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Delete account' }));
    await screen.findByText('Deleted');
    expect(button('Delete spammer@example.org')).toBeUndefined();
    first.unmount();
    render(Feed, props);
    expect(screen.getByText('Deleted')).toBeTruthy();
    expect(button('Delete spammer@example.org')).toBeUndefined();
    expect(api.calls.filter((c) => c.method === 'deleteAccount')).toHaveLength(1);
  });

  it('puts catch-up sign-ups newest first among the rest, those of the same second too', async () => {
    const api = fakeApi({ recentRegistrations: () => Promise.resolve([signup('old', '2026-11-27T09:00:00.000Z')]) });
    const desk = new Desk(api);
    await desk.start();
    // A catch-up sends the missed sign-ups oldest first, three of them in one second.
    for (const id of ['c1', 'c2', 'c3']) api.emit('registration', signup(id, '2026-11-28T10:00:00.000Z', true));
    api.emit('registration', signup('live', '2026-11-28T11:00:00.000Z'));
    await waitFor(() => expect([...desk.signupsOf('s1')].map((r) => r.id)).toEqual(['live', 'c3', 'c2', 'c1', 'old']));
  });
});

describe('the counts', () => {
  it("keeps the dashboard's pending-invite count live as invites are used", async () => {
    let pending = 3;
    const api = fakeApi({ listInvites: () => Promise.resolve({ total: pending, invites: [] }) });
    const desk = new Desk(api);
    await desk.start();
    const info = serverInfo();
    desk.infos.set(info.serverId, info);
    render(ServerView, { desk, info, nativePrinting: false });
    await screen.findByText('3');
    expect(screen.getByText('pending invites')).toBeTruthy();
    pending = 1;
    api.emit('registration', signup('newcomer', new Date().toISOString()));
    await screen.findByText('pending invite');
    expect(screen.getByText('pending invite').previousElementSibling?.textContent).toBe('1');
  });

  it('lists each server by its domain, the account under it, and its own unread badge', () => {
    const profiles = [
      { id: 'a', jid: 'admin@garden.example' },
      { id: 'b', jid: 'root@chess.example' },
    ];
    render(ServerList, { profiles, statuses: new Map(), selectedId: 'a', onselect: () => undefined, unread: new Map([['b', 4]]) });
    const [garden, chess] = screen.getAllByRole('listitem');
    expect(garden?.textContent).toContain('garden.example');
    expect(garden?.querySelector('.account')?.textContent).toBe('admin@garden.example');
    expect(within(garden as HTMLElement).queryByText(/new sign-ups/)).toBeNull();
    expect(within(chess as HTMLElement).getByRole('button').textContent).toContain('4, 4 new sign-ups');
  });
});
