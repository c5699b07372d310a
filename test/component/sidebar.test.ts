import { afterEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import App from '../../renderer/src/App.svelte';
import { fakeApi } from './fake-api';

const profiles = [
  { id: 'a', jid: 'admin@demo.invite-desk.example', hasSavedCredentials: false, unread: 0, connectAtStart: true },
  { id: 'b', jid: 'admin@demo2.invite-desk.example', hasSavedCredentials: false, unread: 2, connectAtStart: true },
];

const shell = (): HTMLElement => document.querySelector('.shell') as HTMLElement;
const edge = (): HTMLElement => screen.getByRole('separator', { name: 'Width of the server list' });

afterEach(() => localStorage.clear());

describe('the server list at the side', () => {
  it('is made wider with the keyboard, folds to a rail that still names each server, and stays so next time', async () => {
    const first = render(App, { api: fakeApi({ listProfiles: () => Promise.resolve(profiles) }) });
    await screen.findAllByText('demo2');
    expect(shell().style.getPropertyValue('--sidebar-width')).toBe('260px');
    edge().focus();
    await fireEvent.keyDown(edge(), { key: 'ArrowRight' });
    await fireEvent.keyDown(edge(), { key: 'ArrowRight' });
    expect(edge().getAttribute('aria-valuenow')).toBe('300');
    await fireEvent.keyDown(edge(), { key: 'End' });
    expect(edge().getAttribute('aria-valuenow')).toBe('480');

    const fold = screen.getByRole('button', { name: 'Server list' });
    expect(fold.getAttribute('aria-expanded')).toBe('true');
    await fireEvent.click(fold);
    expect(fold.getAttribute('aria-expanded')).toBe('false');
    expect(shell().classList.contains('collapsed')).toBe(true);
    // Folded, each server is still a button named for it.
    expect(screen.getByRole('button', { name: /demo2\.invite-desk\.example/ }).title).toBe('demo2.invite-desk.example, signed in as admin@demo2.invite-desk.example');
    first.unmount();

    render(App, { api: fakeApi({ listProfiles: () => Promise.resolve(profiles) }) });
    await waitFor(() => expect(shell().classList.contains('collapsed')).toBe(true));
    await fireEvent.click(screen.getByRole('button', { name: 'Server list' }));
    expect(edge().getAttribute('aria-valuenow')).toBe('480');
  });
});
