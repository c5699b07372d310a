import { describe, expect, it } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import App from '../../renderer/src/App.svelte';
import { fakeApi } from './fake-api';

describe('a server whose connection drops', () => {
  it('keeps its last view on screen, read-only, under a Reconnecting banner, and not the sign-in form', async () => {
    const api = fakeApi({
      listProfiles: () => Promise.resolve([{ id: 's1', jid: 'admin@example.org', hasSavedCredentials: true, unread: 0, connectAtStart: true }]),
      connectionStatuses: () => Promise.resolve([{ serverId: 's1', state: 'online' }]),
    });
    render(App, { api });
    await screen.findByRole('heading', { name: 'example.org', level: 1 });
    const openChoice = await screen.findByRole('radio', { name: /Open/ });
    expect(openChoice.matches(':disabled')).toBe(false);

    api.emit('connection-status', { serverId: 's1', state: 'reconnecting', reason: 'The connection was lost.', attempt: 1, retryInMs: 2000 });
    await within(screen.getByRole('main')).findByText('Reconnecting…');
    // The sidebar says so too, beside the server's name.
    expect(within(screen.getByRole('navigation', { name: 'Servers' })).getByText('Reconnecting…')).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'example.org', level: 1 })).toBeTruthy();
    expect(screen.queryByLabelText('Admin account')).toBeNull();
    expect(screen.getByRole('radio', { name: /Open/ }).matches(':disabled')).toBe(true);

    api.emit('connection-status', { serverId: 's1', state: 'online' });
    await waitFor(() => expect(screen.queryByText('Reconnecting…')).toBeNull());
    expect(screen.getByRole('radio', { name: /Open/ }).matches(':disabled')).toBe(false);
  });
});
