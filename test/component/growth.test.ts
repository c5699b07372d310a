import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import Growth from '../../renderer/src/components/Growth.svelte';
import type { LedgerInvite, Registration } from '../../common/api';

const DAY = 86_400_000;
const signup = (id: string, daysAgo: number, inviter?: string): Registration => ({
  serverId: 's1',
  id,
  username: id,
  jid: `${id}@example.org`,
  time: new Date(Date.now() - daysAgo * DAY).toISOString(),
  source: 'invite-desk',
  catchUp: false,
  ...(inviter ? { inviter } : {}),
});
const made = (id: string, daysAgo: number, used: boolean): LedgerInvite => ({
  id: id.padStart(16, '0'),
  kind: 'account',
  state: used ? 'used' : 'pending',
  createdAt: new Date(Date.now() - daysAgo * DAY).toISOString(),
  uses: used ? [{ jid: `${id}@example.org`, at: new Date().toISOString() }] : [],
});

describe('the growth picture', () => {
  it('draws sign-ups per day over 30 or 90 days, the share of invites used, and the top inviters', async () => {
    const registrations = [signup('a', 0, 'alice@example.org'), signup('b', 0, 'alice@example.org'), signup('c', 2, 'bob@example.org'), signup('d', 60, 'carol@example.org')];
    const invites = [made('1', 1, true), made('2', 1, false), made('3', 5, true), made('4', 5, false), made('5', 80, true)];
    render(Growth, { registrations, invites: Promise.resolve(invites) });
    const chart = screen.getByRole('img');
    const today = new Date().toLocaleDateString(undefined, { day: 'numeric', month: 'short' });
    expect(chart.getAttribute('aria-label')).toBe(`Sign-ups per day over the last 30 days: 3 in all, most on ${today} (2).`);
    // Axes: the scale to the left, five dates under the bars, today last.
    const figure = chart.closest('figure') as HTMLElement;
    expect(Array.from(figure.querySelectorAll('.y-axis span')).map((e) => e.textContent)).toEqual(['2', '0']);
    const dates = Array.from(figure.querySelectorAll('.x-axis span')).map((e) => e.textContent);
    expect(dates).toHaveLength(5);
    expect(dates[0]).toBe(new Date(Date.now() - 29 * DAY).toLocaleDateString(undefined, { day: 'numeric', month: 'short' }));
    expect(dates[4]).toBe('Today');
    expect(chart.querySelectorAll('rect')).toHaveLength(30);
    await screen.findByText('50%');
    expect(screen.getByText(/2 of 4 invites made in the last 30 days/)).toBeTruthy();
    const top = within(screen.getByRole('list')).getAllByRole('listitem').map((li) => li.textContent);
    expect(top).toEqual(['alice@example.org 2 sign-ups', 'bob@example.org 1 sign-up']);

    await fireEvent.click(screen.getByRole('button', { name: '90 days' }));
    expect(screen.getByRole('img').querySelectorAll('rect')).toHaveLength(90);
    expect(screen.getByRole('img').getAttribute('aria-label')).toContain('4 in all');
    await screen.findByText('60%');
    expect(within(screen.getByRole('list')).getAllByRole('listitem')).toHaveLength(3);
  });

  it('says what it needs on a server without the module, and where its figures come from', () => {
    render(Growth, { registrations: [], invites: undefined });
    expect(screen.getByText(/Needs mod_invite_desk/)).toBeTruthy();
    expect(screen.getByText(/Counted from the sign-ups Invite Desk has received/)).toBeTruthy();
  });

  it("draws from mod_invite_desk's history on the server, not only from what the app has received", async () => {
    // The app has seen one sign-up since it started; the server's history holds five, older ones too.
    const history = [0, 0, 3, 20, 45].map((daysAgo, i) => ({ time: new Date(Date.now() - daysAgo * DAY).toISOString(), ...(i < 2 ? { inviter: 'alice@example.org' } : {}) }));
    render(Growth, { registrations: [signup('a', 0)], invites: Promise.resolve([]), history: Promise.resolve(history) });
    expect(await screen.findByText(/Counted from mod_invite_desk's history/)).toBeTruthy();
    expect(screen.getByRole('img').getAttribute('aria-label')).toContain('4 in all');
    expect(within(screen.getByRole('list')).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['alice@example.org 2 sign-ups']);
    await fireEvent.click(screen.getByRole('button', { name: '90 days' }));
    expect(screen.getByRole('img').getAttribute('aria-label')).toContain('5 in all');
  });
});
