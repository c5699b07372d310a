import { afterEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import InviteCard from '../../renderer/src/components/InviteCard.svelte';
import InviteStudio from '../../renderer/src/components/InviteStudio.svelte';
import Ledger from '../../renderer/src/components/Ledger.svelte';
import { setLanguage } from '../../renderer/src/lib/i18n/index.svelte';
import type { CreateInvitesRequest, Invite, LedgerInvite, PrintKitText } from '../../common/api';
import { fakeApi } from './fake-api';

const invite = (n: number, extra: Partial<Invite> = {}): Invite => ({
  serverId: 's',
  kind: 'account',
  uri: `xmpp:garten.example?register;preauth=token${n}`,
  token: `token${n}`,
  expires: '2026-12-24T18:00:00.000Z',
  createdAt: '2026-11-30T10:00:00.000Z',
  ...extra,
});

const pending = (n: number): LedgerInvite => ({ id: `0000000000000${n}`.slice(-16), kind: 'account', state: 'pending', uses: [], createdAt: '2026-11-19T09:00:00.000Z' });

afterEach(() => setLanguage('en'));

describe('the invite screens in German', () => {
  it.each([
    [1, 'Einladung erstellen', 'Deine Einladung'],
    [2, '2 Einladungen erstellen', 'Deine 2 Einladungen'],
    [5, '5 Einladungen erstellen', 'Deine 5 Einladungen'],
  ])('the studio makes %i: "%s", then "%s"', async (n, button, heading) => {
    setLanguage('de');
    const create = (request: CreateInvitesRequest): Promise<Invite[]> => Promise.resolve(Array.from({ length: request.count ?? 1 }, (_, i) => invite(i)));
    render(InviteStudio, { serverId: 's', withModule: true, create, domain: 'garten.example' });
    expect(screen.getByRole('heading', { name: 'Einladungen erstellen' })).toBeTruthy();
    expect(screen.getByRole('group', { name: 'Gültig für' })).toBeTruthy();
    expect(screen.getByLabelText('1 Tag')).toBeTruthy();
    expect(screen.getByLabelText('4 Wochen')).toBeTruthy();
    await fireEvent.input(screen.getByLabelText('Wie viele'), { target: { value: String(n) } });
    await fireEvent.click(screen.getByRole('button', { name: button }));
    expect(await screen.findByRole('heading', { name: heading })).toBeTruthy();
    expect(screen.getAllByRole('article').map((card) => card.getAttribute('aria-label'))).toEqual(Array.from({ length: n }, (_, i) => `Einladung ${i + 1}`));
  });

  it('says what is wrong in German, with numbers as German writes them', async () => {
    setLanguage('de');
    render(InviteStudio, { serverId: 's', withModule: true, create: () => Promise.resolve([]), domain: 'garten.example' });
    await fireEvent.input(screen.getByLabelText('Wie viele'), { target: { value: '0' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Einladung erstellen' }));
    expect(await screen.findByText('Gib eine ganze Zahl von 1 bis 500 ein.')).toBeTruthy();
    await fireEvent.click(screen.getByLabelText('Eigene'));
    await fireEvent.input(screen.getByLabelText('Tage'), { target: { value: '0' } });
    expect(await screen.findByText('Gib eine ganze Zahl von Tagen von 1 bis 36.500 ein.')).toBeTruthy();
  });

  it('asks before an Administrator invite, naming the role and what it may do', async () => {
    setLanguage('de');
    render(InviteStudio, { serverId: 's', withModule: true, create: () => Promise.resolve([]), domain: 'garten.example', roles: ['prosody:member', 'prosody:admin'] });
    expect(within(screen.getByLabelText('Rolle')).getAllByRole('option').map((o) => o.textContent)).toEqual(['Voreinstellung des Servers', 'Mitglied', 'Administrator']);
    await fireEvent.change(screen.getByLabelText('Rolle'), { target: { value: 'prosody:admin' } });
    await fireEvent.input(screen.getByLabelText('Wie viele'), { target: { value: '2' } });
    await fireEvent.click(screen.getByRole('button', { name: '2 Einladungen erstellen' }));
    const dialog = await screen.findByRole('dialog', { name: '2 Einladungen erstellen, die jeweils ein Konto zu Administrator machen?' });
    expect(within(dialog).getByText(/^Wer sich mit einer davon anmeldet, wird Administrator\. Ein Administrator kann/)).toBeTruthy();
    expect(within(dialog).getByRole('button', { name: 'Abbrechen' })).toBeTruthy();
    expect(within(dialog).getByRole('button', { name: 'Mit der Rolle Administrator erstellen' })).toBeTruthy();
  });

  it('shows the ledger in German, and counts what was revoked by German plurals: 0, 1, 2 and 5', async () => {
    setLanguage('de');
    const shown = [pending(1), { ...pending(2), kind: 'reset', username: 'alice', createdBy: 'admin@garten.example' } satisfies LedgerInvite];
    let revoked = 0;
    const api = fakeApi({
      listInvites: () => Promise.resolve({ total: shown.length, invites: shown }),
      revokeInvites: () => Promise.resolve({ revoked }),
    });
    render(Ledger, { api, serverId: 's', withModule: true, domain: 'garten.example' });
    const table = await screen.findByRole('region', { name: 'Tabelle der Einladungen' });
    expect(within(table).getAllByRole('columnheader').map((h) => h.textContent.trim())).toEqual(['', 'Zustand', 'Einladung', 'Genutzt von', 'Erstellt', 'Läuft ab']);
    expect(within(table).getAllByText('Offen')).toHaveLength(2);
    expect(within(table).getByText(/Passwort-Zurücksetzung für alice/)).toBeTruthy();
    expect(within(table).getByText((_, element) => element?.classList.contains('by') === true && element.textContent === 'von admin')).toBeTruthy();
    expect(within(table).getAllByText('Nie')).toHaveLength(2);
    for (const [n, title, said] of [
      [0, '2 Einladungen widerrufen?', '0 Einladungen widerrufen.'],
      [1, '2 Einladungen widerrufen?', '1 Einladung widerrufen.'],
      [2, '2 Einladungen widerrufen?', '2 Einladungen widerrufen.'],
      [5, '2 Einladungen widerrufen?', '5 Einladungen widerrufen.'],
    ] as const) {
      revoked = n;
      const all = screen.getByRole<HTMLInputElement>('checkbox', { name: 'Alle gezeigten Einladungen auswählen' });
      if (!all.checked) await fireEvent.click(all);
      await fireEvent.click(screen.getByRole('button', { name: 'Ausgewählte widerrufen (2)' }));
      const dialog = await screen.findByRole('dialog', { name: title });
      await fireEvent.click(within(dialog).getByRole('button', { name: 'Widerrufen' }));
      expect(await screen.findByText(said)).toBeTruthy();
    }
  });

  it('says an empty search and an empty state in German', async () => {
    setLanguage('de');
    const api = fakeApi({ listInvites: () => Promise.resolve({ total: 0, invites: [] }) });
    render(Ledger, { api, serverId: 's', withModule: true, domain: 'garten.example' });
    expect(await screen.findByText('Noch keine Einladungen.')).toBeTruthy();
    await fireEvent.change(screen.getByLabelText('Zustand'), { target: { value: 'expired' } });
    expect(await screen.findByText('Keine Einladungen im Zustand „Abgelaufen“.')).toBeTruthy();
    expect(screen.getByText('Als CSV exportieren: die Einladungen nach Erstellungsdatum')).toBeTruthy();
  });
});

describe('the full-screen code in the cards’ language', () => {
  const element = HTMLElement.prototype as unknown as { requestFullscreen?: () => Promise<void> };
  afterEach(() => delete element.requestFullscreen);

  it('speaks German to the newcomer from an English app, and keeps the choice with the print kit’s words', async () => {
    element.requestFullscreen = () => Promise.resolve();
    const saved: Omit<PrintKitText, 'serverId'>[] = [];
    const create = (): Promise<Invite[]> => Promise.resolve([invite(1, { role: 'prosody:member' })]);
    render(InviteStudio, {
      serverId: 's',
      withModule: true,
      create,
      domain: 'garten.example',
      loadText: () => Promise.resolve({ serverId: 's', welcome: 'Hallo!', apps: 'Conversations' }),
      saveText: (text: Omit<PrintKitText, 'serverId'>) => Promise.resolve(void saved.push(text)),
    });
    await fireEvent.click(screen.getByRole('button', { name: 'Create invite' }));
    await screen.findByRole('heading', { name: 'Your invite' });
    await fireEvent.click(screen.getAllByRole('button').find((b) => b.textContent === 'Show full screen invite 1') as HTMLElement);
    const stage = await screen.findByRole('dialog', { name: 'Invite 1, full screen' });
    expect(within(stage).getByText(/^Valid until Dec 24, 2026/)).toBeTruthy();
    await fireEvent.change(within(stage).getByRole('combobox', { name: 'Card language' }), { target: { value: 'de' } });
    // The newcomer's words and the date follow the cards' language; the admin's controls stay in the app's.
    const date = new Date('2026-12-24T18:00:00.000Z').toLocaleString('de', { dateStyle: 'medium', timeStyle: 'short' });
    expect(within(stage).getByText(`Gültig bis ${date}`)).toBeTruthy();
    expect(date).toMatch(/^24\.12\.2026/);
    expect(within(stage).getByText('Tritt als Mitglied bei')).toBeTruthy();
    expect(within(stage).getByText(/^Scanne den Code mit einer XMPP-App/)).toBeTruthy();
    expect((await within(stage).findByRole('img')).getAttribute('alt')).toBe('QR-Code, um garten.example beizutreten');
    expect(within(stage).getByRole('button', { name: 'Close' })).toBeTruthy();
    await waitFor(() => expect(saved).toEqual([{ welcome: 'Hallo!', apps: 'Conversations', language: 'de' }]));
    // The card in the studio stays in the app's language.
    expect(screen.getByText('Joins as Member', { selector: '.details .role' })).toBeTruthy();
  });

  it('follows the language the print kit keeps for the server', async () => {
    element.requestFullscreen = () => Promise.resolve();
    render(InviteCard, { invite: invite(1, { expires: undefined }), link: 'uri', index: 0, domain: 'garten.example', cardLanguage: 'fr' });
    await fireEvent.click(screen.getAllByRole('button').find((b) => b.textContent === 'Show full screen invite 1') as HTMLElement);
    const stage = await screen.findByRole('dialog', { name: 'Invite 1, full screen' });
    expect(within(stage).getByText('N’expire pas')).toBeTruthy();
    expect(within(stage).getByRole<HTMLSelectElement>('combobox', { name: 'Card language' }).value).toBe('fr');
  });
});
