import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import ServerView from '../../renderer/src/components/ServerView.svelte';
import { Desk } from '../../renderer/src/lib/desk.svelte';
import { fakeApi, serverInfo } from './fake-api';

function view(): Desk {
  const desk = new Desk(fakeApi());
  const info = serverInfo();
  desk.infos.set(info.serverId, info);
  render(ServerView, { desk, info, nativePrinting: false });
  return desk;
}

const tabs = ['Dashboard', 'Create invites', 'Print kit', 'Invites', 'Sign-ups', 'Server'];

describe("a server's view", () => {
  it('says on every tab that registration is open, for as long as it is', async () => {
    const desk = view();
    desk.policies.set('s1', 'open');
    for (const tab of tabs) {
      await fireEvent.click(screen.getByRole('tab', { name: tab }));
      await waitFor(() => expect(screen.getByText('Registration on example.org is open.')).toBeTruthy());
    }
    desk.policies.set('s1', 'invite-only');
    await waitFor(() => expect(screen.queryByText('Registration on example.org is open.')).toBeNull());
  });
});

describe("a server's sections", () => {
  it('are a tablist: arrow keys, Home and End move between the tabs and show the panel of the one reached', async () => {
    view();
    const list = screen.getByRole('tablist', { name: 'Sections of example.org' });
    const dashboard = screen.getByRole('tab', { name: 'Dashboard' });
    expect(list.contains(dashboard)).toBe(true);
    expect(dashboard.getAttribute('aria-selected')).toBe('true');
    expect(screen.getByRole('tabpanel', { name: 'Dashboard' })).toBeTruthy();
    dashboard.focus();
    await fireEvent.keyDown(dashboard, { key: 'ArrowRight' });
    const studio = screen.getByRole('tab', { name: 'Create invites' });
    expect(document.activeElement).toBe(studio);
    expect(studio.getAttribute('aria-selected')).toBe('true');
    // The tabs' screens load after the dashboard: the studio's heading comes once they have.
    await waitFor(() => expect(screen.getByRole('tabpanel', { name: 'Create invites' }).querySelector('h2')?.textContent).toBe('Create invites'));
    await fireEvent.keyDown(studio, { key: 'End' });
    expect(document.activeElement).toBe(screen.getByRole('tab', { name: 'Server' }));
    await fireEvent.keyDown(document.activeElement as HTMLElement, { key: 'ArrowRight' });
    expect(document.activeElement).toBe(dashboard);
    // Only the selected tab is in the Tab order.
    expect(screen.getAllByRole('tab').filter((t) => t.tabIndex === 0)).toEqual([dashboard]);
  });
});
