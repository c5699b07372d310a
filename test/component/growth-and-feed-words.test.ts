import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { render, screen, within } from '@testing-library/svelte';
import { SvelteMap } from 'svelte/reactivity';
import Feed from '../../renderer/src/components/Feed.svelte';
import Growth from '../../renderer/src/components/Growth.svelte';
import type { AccountState, Registration } from '../../common/api';
import { ago, setLanguage } from '../../renderer/src/lib/i18n/index.svelte';
import { fakeApi } from './fake-api';
import { readOnboarding } from '../../common/onboarding';
import { onboardingOutcome } from '../../renderer/src/lib/onboarding-outcome';

/** A fixed "now", so that the dates the screens write can be spelled out here: 14 March 2026, noon (local). */
const NOW = new Date(2026, 2, 14, 12, 0).getTime();
const signup = (id: string, time = NOW, extra: Partial<Registration> = {}): Registration => ({
  serverId: 's1',
  id,
  username: id,
  jid: `${id}@example.org`,
  time: new Date(time).toISOString(),
  source: 'invite-desk',
  catchUp: false,
  ...extra,
});

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});
afterEach(() => {
  vi.useRealTimers();
  setLanguage('en');
});

describe('growth and the feed in German and French', () => {
  // French counts zero as singular (CLDR "one" covers 0 and 1): a rule written as n === 1 gets 0 wrong.
  const CAPTIONS: Record<'de' | 'fr', [number, string][]> = {
    de: [
      [0, '0 Anmeldungen in den letzten 30 Tagen, pro Tag.'],
      [1, '1 Anmeldung in den letzten 30 Tagen, pro Tag.'],
      [2, '2 Anmeldungen in den letzten 30 Tagen, pro Tag.'],
      [5, '5 Anmeldungen in den letzten 30 Tagen, pro Tag.'],
    ],
    fr: [
      [0, '0 inscription sur les 30 derniers jours, par jour.'],
      [1, '1 inscription sur les 30 derniers jours, par jour.'],
      [2, '2 inscriptions sur les 30 derniers jours, par jour.'],
      [5, '5 inscriptions sur les 30 derniers jours, par jour.'],
    ],
  };
  for (const language of ['de', 'fr'] as const) {
    it.each(CAPTIONS[language])(`${language}: %i sign-ups read "%s"`, (n, caption) => {
      setLanguage(language);
      render(Growth, { registrations: Array.from({ length: n }, (_, i) => signup(`u${i}`)), invites: undefined });
      expect(screen.getByText(caption)).toBeTruthy();
    });
  }

  it('de: the chart says its days, its dates and its figures in German', async () => {
    setLanguage('de');
    const invites = [true, false].map((used, i) => ({
      id: String(i).padStart(16, '0'),
      kind: 'account' as const,
      state: used ? ('used' as const) : ('pending' as const),
      createdAt: new Date(NOW - 86_400_000).toISOString(),
      uses: used ? [{ jid: 'a@example.org', at: new Date(NOW).toISOString() }] : [],
    }));
    render(Growth, { registrations: [signup('a', NOW, { inviter: 'anna@example.org' })], invites: Promise.resolve(invites) });
    expect(screen.getByRole('heading', { name: 'Wachstum' })).toBeTruthy();
    expect(screen.getByRole('button', { name: '90 Tage' })).toBeTruthy();
    const dates = Array.from(document.querySelectorAll('.x-axis span')).map((e) => e.textContent);
    // 30 days up to 14 March: the first is 13 February, written the German way; today is "Heute".
    expect(dates[0]).toBe('13. Feb.');
    expect(dates[4]).toBe('Heute');
    expect(screen.getByRole('img').getAttribute('aria-label')).toBe('Anmeldungen pro Tag in den letzten 30 Tagen: insgesamt 1, die meisten am 14. März (1).');
    // A German percentage has its space before the sign.
    expect(await screen.findByText('50 %')).toBeTruthy();
    expect(screen.getByText('1 von 2 Einladungen, erstellt in den letzten 30 Tagen')).toBeTruthy();
    expect(within(screen.getByRole('list')).getByRole('listitem').textContent).toBe('anna@example.org 1 Anmeldung');
  });

  it('fr: a sign-up in the feed, with its date, what it got on joining and its actions, in French', () => {
    setLanguage('fr');
    const joined = signup('lea', NOW, {
      catchUp: true,
      inviter: 'anna@example.org',
      onboarding: { rooms: ['general@conference.example.org', 'chess@conference.example.org'], memberOf: [], contacts: ['a@example.org', 'b@example.org'], welcomedBy: 'anna@example.org', failed: [{ part: 'welcome', jid: 'anna@example.org', reason: 'no-offline' }] },
    });
    render(Feed, { api: fakeApi(), registrations: [joined], canDisable: false, accounts: new SvelteMap<string, AccountState>() });
    expect(screen.getByRole('heading', { name: 'Inscriptions' })).toBeTruthy();
    const row = screen.getByRole('listitem');
    expect(within(row).getByText('14 mars 2026', { exact: false }).tagName).toBe('TIME');
    expect(within(row).getByText('Pendant votre absence')).toBeTruthy();
    expect(within(row).getByText('invité par anna@example.org')).toBeTruthy();
    expect(within(row).getByText('a rejoint #general, #chess · 2 contacts · accueilli')).toBeTruthy();
    expect(within(row).getByText('bienvenue non envoyée : le serveur ne garde pas de messages hors ligne (mod_offline)')).toBeTruthy();
    expect(within(row).getAllByRole('button').map((b) => b.textContent)).toEqual(['Désactiver lea@example.org', 'Supprimer lea@example.org']);
    expect(screen.getByText('Désactiver un compte nécessite Prosody 13 ; sur ce serveur, vous pouvez le supprimer.')).toBeTruthy();
  });

  it.each([
    ['en', 0, 'just now'],
    ['fr', 10_000, 'à l’instant'],
    ['en', 2 * 60_000, '2 minutes ago'],
    ['de', 60_000, 'vor 1 Minute'],
    ['de', 3 * 3_600_000, 'vor 3 Stunden'],
    ['fr', 5 * 60_000, 'il y a 5 minutes'],
    ['fr', 3 * 86_400_000, 'le 11 mars 2026'],
  ] as const)('%s: %i ms ago reads "%s"', (language, before, words) => {
    setLanguage(language);
    expect(ago(new Date(NOW - before).toISOString(), NOW)).toBe(words);
  });
});

describe('what a new member got, in words', () => {
  it('en: joined rooms, contacts, welcomed, and each failure on its own', () => {
    setLanguage('en');
    const outcome = readOnboarding([
      'room:general@conference.example.org',
      'room:chess@conference.example.org',
      'contact:a@example.org',
      'contact:b@example.org',
      'welcome:example.org',
      'room-failed:old@conference.example.org:gone',
      'contact-failed:bob@example.org:gone',
      'welcome-failed:example.org:no-offline',
      'room-failed:x@conference.example.org:no-pep',
    ]);
    expect(outcome && onboardingOutcome(outcome)).toEqual({
      got: 'joined #general, #chess · 2 contacts · welcomed',
      failed: [
        '#old no longer exists',
        'contact bob@example.org no longer exists',
        'welcome not sent: the server keeps no offline messages (mod_offline)',
        '#x not bookmarked: the server has no PEP (mod_pep)',
      ],
    });
    expect(onboardingOutcome({ rooms: [], memberOf: [], contacts: ['a@example.org'], failed: [] }).got).toBe('1 contact');
  });
});
