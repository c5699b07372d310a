import { afterEach, describe, expect, it } from 'vitest';
import { render, screen, waitFor } from '@testing-library/svelte';
import Dashboard from '../../renderer/src/components/Dashboard.svelte';
import { setLanguage, tIn, type Language } from '../../renderer/src/lib/i18n/index.svelte';
import { serverInfo } from './fake-api';

/** What the dashboard says under the count of pending invites, for 0, 1, 2 and 5. */
const PENDING: Record<'de' | 'fr', [number, string][]> = {
  de: [[0, 'offene Einladungen'], [1, 'offene Einladung'], [2, 'offene Einladungen'], [5, 'offene Einladungen']],
  // French counts zero as singular (CLDR "one" covers 0 and 1): a rule written as n === 1 gets 0 wrong.
  fr: [[0, 'invitation en attente'], [1, 'invitation en attente'], [2, 'invitations en attente'], [5, 'invitations en attente']],
};

afterEach(() => setLanguage('en'));

describe('plurals by CLDR rules', () => {
  for (const language of ['de', 'fr'] as const) {
    it.each(PENDING[language])(`${language}: %i pending invites read "%s"`, async (n, words) => {
      setLanguage(language);
      render(Dashboard, {
        info: serverInfo(),
        policy: 'invite-only',
        withModule: true,
        registrations: [],
        pendingInvites: Promise.resolve(n),
        onpolicy: () => Promise.resolve(),
        recheck: () => Promise.resolve(serverInfo()),
      });
      // While counting, the label reads as the plural beside "…"; the count itself must come with its own form.
      await waitFor(() => expect(screen.getAllByText(words).map((label) => label.previousElementSibling?.textContent)).toContain(String(n)));
    });
  }

  it.each([
    ['de', 0, 'Karten aus 0 Einladungen machen'],
    ['de', 1, 'Karten aus 1 Einladung machen'],
    ['de', 2, 'Karten aus 2 Einladungen machen'],
    ['de', 5, 'Karten aus 5 Einladungen machen'],
    ['fr', 0, 'Faire des cartes de 0 invitation'],
    ['fr', 1, 'Faire des cartes de 1 invitation'],
    ['fr', 2, 'Faire des cartes de 2 invitations'],
    ['fr', 5, 'Faire des cartes de 5 invitations'],
  ] as [Language, number, string][])('%s: the print kit words %i invites as "%s"', (language, n, words) => {
    expect(tIn(language, 'kit.usePicked', { n })).toBe(words);
  });
});
