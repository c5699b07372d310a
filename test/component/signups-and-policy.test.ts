import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import SignupList from '../../renderer/src/components/SignupList.svelte';
import PolicySwitch from '../../renderer/src/components/PolicySwitch.svelte';
import type { Registration, RegistrationPolicy } from '../../common/api';

const signups = (count: number): Registration[] =>
  Array.from({ length: count }, (_, i) => ({
    serverId: 's',
    id: `id${i}`,
    username: `user${i}`,
    jid: `user${i}@example.org`,
    time: new Date(Date.UTC(2026, 10, 28, 12, 0, i % 60)).toISOString(),
    source: 'invite-desk' as const,
    catchUp: i % 2 === 0,
  }));

describe('the sign-up list', () => {
  it('renders only the rows in view of a 10,000-entry feed, and says how long the list is', () => {
    render(SignupList, { registrations: signups(10_000), virtual: true });
    const items = screen.getAllByRole('listitem');
    expect(items.length).toBeGreaterThan(0);
    expect(items.length).toBeLessThan(50);
    expect(items[0]?.getAttribute('aria-setsize')).toBe('10000');
    expect(items[0]?.getAttribute('aria-posinset')).toBe('1');
  });

  it('scrolls a long feed to the sign-up whose notification was clicked, and focuses it', async () => {
    render(SignupList, { registrations: signups(10_000), virtual: true, focusId: 'id5000' });
    const row = await screen.findByText('user5000@example.org');
    await waitFor(() => expect(document.activeElement).toBe(row.closest('li')));
    expect(row.closest('li')?.getAttribute('aria-posinset')).toBe('5001');
  });

  it('marks catch-up entries, and offers disable only where the server can', () => {
    render(SignupList, { registrations: signups(2), canDisable: false, onaction: () => undefined });
    expect(screen.getAllByText('While you were away')).toHaveLength(1);
    const disable = screen.getAllByRole('button').find((b) => b.textContent === 'Disable user0@example.org');
    expect(disable?.hasAttribute('disabled')).toBe(true);
    const remove = screen.getAllByRole('button').find((b) => b.textContent === 'Delete user0@example.org');
    expect(remove?.hasAttribute('disabled')).toBe(false);
  });
});

describe('the policy switch', () => {
  it('asks before opening registration, and changes nothing when cancelled', async () => {
    const changes: RegistrationPolicy[] = [];
    render(PolicySwitch, { policy: 'invite-only', available: true, domain: 'example.org', onchange: (p: RegistrationPolicy) => Promise.resolve(void changes.push(p)) });
    await fireEvent.click(screen.getByRole('radio', { name: /Open/ }));
    expect(screen.getByText(/Spam bots look for open servers/)).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(changes).toEqual([]);
    await fireEvent.click(screen.getByRole('radio', { name: /Closed/ }));
    expect(changes).toEqual(['closed']);
  });

  it('shows the policy the server has after "Open registration?" is cancelled, so Open can be chosen again', async () => {
    const changes: RegistrationPolicy[] = [];
    render(PolicySwitch, { policy: 'invite-only', available: true, domain: 'example.org', onchange: (p: RegistrationPolicy) => Promise.resolve(void changes.push(p)) });
    const open = screen.getByRole<HTMLInputElement>('radio', { name: /Open/ });
    await fireEvent.click(open);
    await fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(open.checked).toBe(false);
    expect(screen.getByRole<HTMLInputElement>('radio', { name: /Invite-only/ }).checked).toBe(true);
    await fireEvent.click(open);
    expect(screen.getByRole('dialog', { name: 'Open registration to everyone?' })).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Open registration' }));
    await waitFor(() => expect(changes).toEqual(['open']));
  });

  it('moves focus with the arrow keys without changing the policy', async () => {
    const changes: RegistrationPolicy[] = [];
    render(PolicySwitch, { policy: 'invite-only', available: true, domain: 'example.org', onchange: (p: RegistrationPolicy) => Promise.resolve(void changes.push(p)) });
    const inviteOnly = screen.getByRole<HTMLInputElement>('radio', { name: /Invite-only/ });
    inviteOnly.focus();
    const moved = await fireEvent.keyDown(inviteOnly, { key: 'ArrowRight' });
    // The browser's own arrow handling (which checks the radio it moves to) is cancelled.
    expect(moved).toBe(false);
    expect(document.activeElement).toBe(screen.getByRole('radio', { name: /Closed/ }));
    expect(inviteOnly.checked).toBe(true);
    expect(changes).toEqual([]);
  });

  it('says what it needs on a server without the module, and where the steps are', () => {
    render(PolicySwitch, { policy: undefined, available: false, domain: 'example.org', onchange: () => Promise.resolve() });
    expect(screen.queryByRole('radio')).toBeNull();
    expect(screen.getByRole('note').textContent).toContain('needs the Invite Desk module on this server');
    expect(screen.getByRole('note').textContent).toContain('the Server tab show how to install it');
  });
});
