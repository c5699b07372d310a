import { afterEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import JoinRequests from '../../renderer/src/components/JoinRequests.svelte';
import Members from '../../renderer/src/components/Members.svelte';
import type { InviterTreeEntry, JoinDecision, JoinRequest } from '../../common/api';
import { setLanguage } from '../../renderer/src/lib/i18n/index.svelte';
import { fakeApi } from './fake-api';

afterEach(() => setLanguage('en'));

/** `n` accounts, each with `n` unused invites of its own. */
const entries = (n: number): InviterTreeEntry[] =>
  Array.from({ length: n }, (_, i) => ({ jid: `m${i}@example.org`, joined: '2026-11-28T10:00:00Z', pending: n, holdInvitees: i === 0 }));

/** What the member tree says of n accounts and of an account's n unused invites, by CLDR rules (French "one" takes 0 too). */
const TREE: Record<'de' | 'fr', [number, string, string][]> = {
  de: [
    [0, '0 Konten auf example.org.', ''],
    [1, '1 Konto auf example.org.', '1 unbenutzte Einladung'],
    [2, '2 Konten auf example.org.', '2 unbenutzte Einladungen'],
    [5, '5 Konten auf example.org.', '5 unbenutzte Einladungen'],
  ],
  fr: [
    [0, '0 compte sur example.org.', ''],
    [1, '1 compte sur example.org.', '1 invitation inutilisée'],
    [2, '2 comptes sur example.org.', '2 invitations inutilisées'],
    [5, '5 comptes sur example.org.', '5 invitations inutilisées'],
  ],
};

const WORDS = {
  de: { rules: 'Einladungen durch Mitglieder', tree: 'Wer wen eingeladen hat', onlyAdmins: 'Nur Admins', held: 'Eingeladene warten auf Freigabe', joined: 'beigetreten am 28.11.2026' },
  fr: { rules: 'Invitations par les membres', tree: 'Qui a invité qui', onlyAdmins: 'Seulement les administrateurs', held: 'Ses invités attendent une validation', joined: 'arrivé le 28 nov. 2026' },
};

describe('members and requests in German and French', () => {
  for (const language of ['de', 'fr'] as const) {
    it.each(TREE[language])(`${language}: the member tree with %i accounts reads "%s"`, async (n, accounts, unused) => {
      setLanguage(language);
      const api = fakeApi({ inviterTree: () => Promise.resolve({ entries: entries(n), total: n }) });
      render(Members, { api, serverId: 's1', domain: 'example.org' });
      const tree = await screen.findByRole('region', { name: WORDS[language].tree });
      await within(tree).findByText((_, node) => node?.tagName === 'P' && node.textContent.trim().startsWith(accounts));
      expect(screen.getByRole('heading', { name: WORDS[language].rules })).toBeTruthy();
      expect((await screen.findByRole('radio', { name: WORDS[language].onlyAdmins })).closest('label')).toBeTruthy();
      if (n === 0) return;
      expect(within(tree).getAllByText(unused)).toHaveLength(n);
      expect(within(tree).getByText(WORDS[language].held)).toBeTruthy();
      expect(within(tree).getAllByText(WORDS[language].joined)).toHaveLength(n);
    });
  }

  it('de: the limits agree with the number typed before them', async () => {
    setLanguage('de');
    render(Members, { api: fakeApi({ getMemberInviteRules: (serverId) => Promise.resolve({ serverId, who: 'members', perPeriod: 1, periodDays: 7, maxPending: 5, minAgeDays: 1 }) }), serverId: 's1', domain: 'example.org' });
    const limits = await screen.findByRole('group', { name: 'Grenzen für jedes Mitglied (0: keine Grenze)' });
    const sentences = [...limits.querySelectorAll('label')].map((label) => label.textContent.replace(/\s+/g, ' ').trim());
    expect(sentences).toEqual(['Höchstens Einladung alle Tage', 'Höchstens unbenutzte Einladungen gleichzeitig', 'Erst Tag nach Erstellung ihres Kontos']);
  });

  it('fr: requests, their reason, time and burst, and the confirmation of both', async () => {
    setLanguage('fr');
    const time = new Date(Date.now() - 5 * 60_000).toISOString();
    const request = (username: string, extra: Partial<JoinRequest> = {}): JoinRequest => ({ serverId: 's1', username, jid: `${username}@example.org`, time, ip: '203.0.113.7', why: 'no-invite', ...extra });
    const decided: JoinDecision = { decided: ['ann@example.org', 'bob@example.org'], notWaiting: [], failed: [] };
    render(JoinRequests, {
      serverId: 's1',
      domain: 'example.org',
      requests: [request('ann', { reason: 'Je chante dans la chorale' }), request('bob', { why: 'invite', ip: '198.51.100.2' })],
      policy: 'approval',
      canKeepDisabled: false,
      expireDays: 1,
      decide: () => Promise.resolve(decided),
    });
    expect(screen.getByRole('heading', { name: 'Demandes d’adhésion' })).toBeTruthy();
    expect(screen.getByText(/Les demandes de plus de 1 jour sont refusées par le serveur\./)).toBeTruthy();
    const rows = within(screen.getByRole('list', { name: 'Demandes d’adhésion à example.org' })).getAllByRole('listitem');
    const [ann, bob] = rows as [HTMLElement, HTMLElement];
    expect(ann.textContent).toContain('« Je chante dans la chorale »');
    expect(ann.textContent).toContain('A demandé sans invitation');
    expect(ann.textContent).toContain('1 demande depuis cette adresse dans la dernière heure');
    expect(bob.textContent).toContain('Invitation qui nécessite une validation');
    expect(within(ann).getByText(new Date(time).toLocaleString('fr', { dateStyle: 'medium', timeStyle: 'short' }))).toBeTruthy();
    expect(within(ann).getByRole('button', { name: 'Accepter ann@example.org' })).toBeTruthy();

    await fireEvent.click(screen.getByRole('button', { name: 'Tout refuser' }));
    const dialog = screen.getByRole('dialog', { name: 'Refuser les deux demandes ?' });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Refuser et supprimer' }));
    expect((await screen.findByRole('status')).textContent).toBe('2 comptes refusés.');
  });
});
