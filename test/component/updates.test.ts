import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import App from '../../renderer/src/App.svelte';
import type { UpdateStatus } from '../../common/api';
import { fakeApi } from './fake-api';

const status = (extra: Partial<UpdateStatus>): UpdateStatus => ({
  state: 'idle',
  current: '0.1.0',
  automatic: true,
  message: 'Invite Desk 0.1.0 checks for updates when it starts and once a day.',
  ...extra,
});

async function openSettings(api: ReturnType<typeof fakeApi>): Promise<void> {
  render(App, { api });
  await fireEvent.click(await screen.findByRole('button', { name: 'Settings' }));
  await screen.findByRole('heading', { name: 'Settings' });
}

describe('updates in the desktop app', () => {
  it('show the version and what the updater is doing, check on request, and say when an update is ready everywhere', async () => {
    const api = fakeApi({
      hostInfo: () => Promise.resolve({ kind: 'desktop', version: '0.1.0', savedSignIns: { available: true }, nativeNotifications: true, nativePrinting: true, setAsideFiles: [] }),
      updateStatus: () => Promise.resolve(status({})),
      checkForUpdates: () => Promise.resolve(status({ state: 'ready', version: '0.2.0', message: 'Invite Desk 0.2.0 is ready.' })),
      installUpdate: () => Promise.resolve(status({ state: 'ready', version: '0.2.0', waitingFor: 'batch', message: 'Invite Desk 0.2.0 installs as soon as the invites being made are done.' })),
    });
    await openSettings(api);
    const updates = screen.getByRole('group', { name: 'Updates' });
    await within(updates).findByText('Invite Desk 0.1.0 checks for updates when it starts and once a day.');
    expect(within(updates).getByText('Invite Desk 0.1.0.')).toBeTruthy();
    const automatic = within(updates).getByRole('checkbox', { name: /Check for updates automatically/ });
    expect((automatic as HTMLInputElement).checked).toBe(true);

    api.emit('update-status', status({ state: 'downloading', version: '0.2.0', percent: 40, message: 'Downloading Invite Desk 0.2.0: 40 %.' }));
    const progress = await within(updates).findByRole('progressbar', { name: 'Downloading Invite Desk 0.2.0' });
    expect(progress.getAttribute('value')).toBe('40');
    expect(within(updates).getByRole<HTMLButtonElement>('button', { name: 'Check for updates' }).disabled).toBe(true);

    api.emit('update-status', status({ state: 'none', message: 'Invite Desk 0.1.0 is the latest version.' }));
    await fireEvent.click(await within(updates).findByRole('button', { name: 'Check for updates' }));
    await within(updates).findByText('Invite Desk 0.2.0 is ready.');
    // The sidebar says so too, on every screen.
    const sidebar = screen.getByRole('complementary');
    expect(within(sidebar).getByText('Invite Desk 0.2.0 is ready. It installs when you quit Invite Desk, or now with Restart to update.')).toBeTruthy();
    await fireEvent.click(within(sidebar).getByRole('button', { name: 'Restart to update' }));
    await within(updates).findByText('Invite Desk 0.2.0 installs as soon as the invites being made are done.');
    expect(within(sidebar).getByText('Invite Desk 0.2.0 installs as soon as the invites being made are done, then Invite Desk restarts.')).toBeTruthy();
    // While it waits for the batch, nothing more to press.
    expect(screen.queryAllByRole('button', { name: 'Restart to update' })).toEqual([]);
    expect(api.calls.filter((c) => c.method === 'checkForUpdates' || c.method === 'installUpdate').map((c) => c.method)).toEqual(['checkForUpdates', 'installUpdate']);
  });

  it('turns automatic checks off and on as a preference', async () => {
    const api = fakeApi({ updateStatus: () => Promise.resolve(status({})) });
    await openSettings(api);
    const automatic = await screen.findByRole('checkbox', { name: /Check for updates automatically/ });
    await fireEvent.click(automatic);
    await waitFor(() => expect(api.calls.filter((c) => c.method === 'setPreferences').map((c) => c.argument)).toEqual([{ automaticUpdates: false }]));
  });

  it('in the browser preview: says there is no updater, and offers no button that would do nothing', async () => {
    const api = fakeApi();
    await openSettings(api);
    const updates = screen.getByRole('group', { name: 'Updates' });
    await within(updates).findByText('The browser preview has no updater.');
    expect(within(updates).queryByRole('button')).toBeNull();
    expect(within(updates).queryByRole('checkbox')).toBeNull();
  });
});
