import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { SvelteMap } from 'svelte/reactivity';
import Feed from '../../renderer/src/components/Feed.svelte';
import ServerList from '../../renderer/src/components/ServerList.svelte';
import ServerView from '../../renderer/src/components/ServerView.svelte';
import { Desk } from '../../renderer/src/lib/desk.svelte';
import type { AccountRequest, AccountState, Registration } from '../../common/api';
import { AdminError } from '../../common/errors';
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

/** A server's accounts as it would answer about them, changed by the actions the fake API is asked for. */
function serverWith(states: Record<string, AccountState>): ReturnType<typeof fakeApi> {
  const change = (state: AccountState, already?: AccountState) => (request: AccountRequest): Promise<void> => {
    const name = request.jid.split('@')[0] ?? '';
    if (states[name] === already) return Promise.reject(new AdminError('invalid-input', `${request.jid} is already ${state === 'active' ? 'enabled' : state}. Nothing changed.`));
    states[name] = state;
    return Promise.resolve();
  };
  return fakeApi({
    accountStates: (request) => Promise.resolve(request.jids.map((jid) => ({ jid, state: states[jid.split('@')[0] ?? ''] ?? 'unknown', source: 'server' as const }))),
    deleteAccount: change('deleted'),
    disableAccount: change('disabled', 'disabled'),
    enableAccount: change('active', 'active'),
  });
}

describe('the sign-up feed', () => {
  it('shows what the server says became of each account, in a fresh window too, and offers only what still applies', async () => {
    const api = serverWith({ spammer: 'deleted', sleeper: 'disabled', fine: 'active' });
    const registrations = ['spammer', 'sleeper', 'fine'].map((name) => signup(name, '2026-11-28T12:00:00.000Z'));
    // A window opened afresh: it remembers nothing of what was done before.
    render(Feed, { api, registrations, canDisable: true, accounts: new SvelteMap<string, AccountState>() });
    const row = (name: string): HTMLElement => screen.getAllByRole('listitem').find((li) => li.dataset.id === name) as HTMLElement;
    await waitFor(() => expect(within(row('spammer')).queryByText('Deleted')).not.toBeNull());
    expect(within(row('spammer')).queryAllByRole('button')).toEqual([]);
    expect(within(row('sleeper')).getByText('Disabled')).toBeTruthy();
    expect(button('Enable sleeper@example.org')).toBeDefined();
    expect(button('Disable sleeper@example.org')).toBeUndefined();
    expect(button('Disable fine@example.org')).toBeDefined();
  });

  it('disables and enables an account, and says so when the server finds it already done', async () => {
    const states: Record<string, AccountState> = { dave: 'active' };
    const api = serverWith(states);
    const accounts = new SvelteMap<string, AccountState>();
    render(Feed, { api, registrations: [signup('dave', '2026-11-28T12:00:00.000Z')], canDisable: true, accounts });
    await waitFor(() => expect(accounts.get('s1\ndave@example.org')).toBe('active'));
    await fireEvent.click(button('Disable dave@example.org') as HTMLElement);
    await fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Disable account' }));
    await screen.findByText('dave@example.org was disabled.');
    expect(screen.getByText('Disabled')).toBeTruthy();
    await fireEvent.click(button('Enable dave@example.org') as HTMLElement);
    await screen.findByText('dave@example.org was enabled again.');
    expect(screen.queryByText('Disabled')).toBeNull();
    // Another admin disabled it meanwhile: this view still offers Disable, and the server says it is done already.
    states.dave = 'disabled';
    await fireEvent.click(button('Disable dave@example.org') as HTMLElement);
    await fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Disable account' }));
    await screen.findByText('dave@example.org is already disabled. Nothing changed.');
    await waitFor(() => expect(button('Enable dave@example.org')).toBeDefined());
  });

  it('says the role a sign-up got from its invite', () => {
    render(Feed, { api: fakeApi(), registrations: [{ ...signup('boss', '2026-11-28T12:00:00.000Z'), role: 'prosody:admin' }], canDisable: false, accounts: new SvelteMap<string, AccountState>() });
    expect(screen.getByText('Joined as Administrator')).toBeTruthy();
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
    expect(within(chess as HTMLElement).getByRole('button').textContent).toContain('4: 4 new sign-ups');
  });

  it('tells two similar domains apart, with the full name on hover and to screen readers, and counts one sign-up in the singular', () => {
    const profiles = [
      { id: 'a', jid: 'admin@demo.invite-desk.example' },
      { id: 'b', jid: 'admin@demo2.invite-desk.example' },
    ];
    render(ServerList, { profiles, statuses: new Map(), selectedId: 'a', onselect: () => undefined, unread: new Map([['b', 1]]) });
    const [demo, demo2] = screen.getAllByRole('button').slice(0, 2) as [HTMLElement, HTMLElement];
    expect([demo.querySelector('.lead')?.textContent, demo2.querySelector('.lead')?.textContent]).toEqual(['demo', 'demo2']);
    expect(demo2.title).toBe('demo2.invite-desk.example, signed in as admin@demo2.invite-desk.example');
    expect(demo2.textContent).toContain('demo2.invite-desk.example');
    expect(demo2.textContent).toContain(': 1 new sign-up');
    expect(demo2.textContent).not.toContain('sign-ups');
  });
});
