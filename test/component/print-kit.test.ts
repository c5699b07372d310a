import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import PrintKit from '../../renderer/src/components/PrintKit.svelte';
import type { CreateInvitesRequest, Invite, InvitePage, LedgerInvite, ListInvitesRequest } from '../../common/api';

const ledgerInvite = (id: string, extra: Partial<LedgerInvite> = {}): LedgerInvite => ({
  id: id.padStart(16, '0'),
  kind: 'account',
  state: 'pending',
  uri: `xmpp:example.org?register;preauth=${id}`,
  uses: [],
  createdAt: '2026-11-01T10:00:00.000Z',
  note: `note ${id}`,
  ...extra,
});

function kit(pending: LedgerInvite[], extra: Record<string, unknown> = {}, landing = false): { requests: CreateInvitesRequest[] } {
  const requests: CreateInvitesRequest[] = [];
  const create = (request: CreateInvitesRequest): Promise<Invite[]> => {
    requests.push(request);
    return Promise.resolve(
      Array.from({ length: request.count ?? 1 }, (_, i) => ({
        serverId: 's',
        kind: 'account' as const,
        uri: `xmpp:example.org?register;preauth=new${i}`,
        token: `new${i}`,
        createdAt: new Date().toISOString(),
        ...(landing ? { landingUrl: `https://example.org/invites_page?new${i}` } : {}),
      })),
    );
  };
  const list = (request: ListInvitesRequest): Promise<InvitePage> => Promise.resolve({ total: pending.length, invites: pending.filter((i) => !request.state || i.state === request.state) });
  render(PrintKit, { serverId: 's', domain: 'example.org', withModule: true, create, list, ...extra });
  return { requests };
}

const printedLinks = (): string[] => Array.from(document.querySelectorAll('.card .link')).map((e) => e.textContent);

describe('the print kit', () => {
  it('offers only plain account invites from the pending ones, and prints exactly those the admin picks', async () => {
    kit([
      ledgerInvite('a1'),
      ledgerInvite('r1', { kind: 'reset', username: 'alice', uri: 'xmpp:example.org?register;preauth=r1;ibr=y' }),
      ledgerInvite('c1', { kind: 'contact' }),
      ledgerInvite('o1', { role: 'prosody:admin' }),
      ledgerInvite('n1', { username: 'bob' }),
      ledgerInvite('a2'),
      ledgerInvite('a3'),
    ]);
    await fireEvent.click(screen.getByRole('button', { name: 'Choose pending invites…' }));
    const group = await screen.findByRole('group', { name: 'Pending account invites to print' });
    const boxes = Array.from(group.querySelectorAll<HTMLInputElement>('input[type=checkbox][value]'));
    expect(boxes.map((b) => b.value)).toEqual(['a1', 'a2', 'a3'].map((id) => id.padStart(16, '0')));
    // Nothing is taken for the admin.
    expect(boxes.every((b) => !b.checked)).toBe(true);
    expect(printedLinks()).toEqual([]);
    await fireEvent.click(boxes[0] as HTMLInputElement);
    await fireEvent.click(boxes[2] as HTMLInputElement);
    await fireEvent.click(screen.getByRole('button', { name: 'Make cards of 2 invites' }));
    await waitFor(() => expect(printedLinks()).toEqual(['xmpp:example.org?register;preauth=a1', 'xmpp:example.org?register;preauth=a3']));
  });

  it('makes cards that expire in 4 weeks by default, and offers no "never"', async () => {
    const { requests } = kit([]);
    const validFor = screen.getByLabelText<HTMLSelectElement>('Valid for');
    expect(Array.from(validFor.options).map((o) => o.text)).not.toContain('Never');
    expect(screen.queryByLabelText(/Never expire/)).toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: 'Create 8 cards' }));
    await waitFor(() => expect(requests).toHaveLength(1));
    expect(requests[0]?.expiresInSeconds).toBe(28 * 86400);
  });

  it('makes Print… the primary action once cards exist, so a second click does not make another batch', async () => {
    kit([]);
    const create = screen.getByRole('button', { name: 'Create 8 cards' });
    expect(create.classList.contains('primary')).toBe(true);
    await fireEvent.click(create);
    await waitFor(() => expect(printedLinks()).toHaveLength(8), { timeout: 10_000 });
    expect(screen.getByRole('button', { name: 'Print…' }).classList.contains('primary')).toBe(true);
    expect(screen.getByRole('button', { name: 'Create 8 more cards' }).classList.contains('primary')).toBe(false);
  });

  it('says a card cannot be opened by a camera when its code is an xmpp: link, and words the card for an app instead', async () => {
    let guideShown = 0;
    kit([], { hasInvitePage: false, onsetup: () => guideShown++ });
    const warning = screen.getByText(/These codes open an/).closest('[role=note]') as HTMLElement;
    expect(warning.textContent).toContain('a phone without an XMPP app cannot open them');
    await fireEvent.click(screen.getByRole('button', { name: 'Set up the invite web page' }));
    expect(guideShown).toBe(1);
    await fireEvent.click(screen.getByRole('button', { name: 'Create 8 cards' }));
    await waitFor(() => expect(printedLinks()).toHaveLength(8), { timeout: 10_000 });
    const welcome = document.querySelector('.card .welcome')?.textContent ?? '';
    expect(welcome).toBe('Welcome to example.org! Install one of the apps below, then scan the code with it to create your account.');
    expect(welcome).not.toContain('camera');
  });

  it("promises the camera when the cards open the invite web page, and warns of nothing", async () => {
    kit([], { hasInvitePage: true }, true);
    expect(screen.queryByText(/These codes open an/)).toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: 'Create 8 cards' }));
    await waitFor(() => expect(printedLinks()).toHaveLength(8), { timeout: 10_000 });
    expect(document.querySelector('.card .welcome')?.textContent).toBe("Welcome to example.org! Scan the code with your phone's camera to create your account.");
    expect(screen.queryByText(/These codes open an/)).toBeNull();
  });

  it('warns while registration is closed, and switches it to invite-only on request', async () => {
    let reopened = 0;
    kit([], { closed: true, reopen: () => {
      reopened++;
      return Promise.resolve();
    } });
    expect(screen.getByText('Registration on example.org is closed.')).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Switch to invite-only' }));
    await waitFor(() => expect(reopened).toBe(1));
    await waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText('Cards')));
  });

  it('words the pick-all box by how many there are', async () => {
    kit([ledgerInvite('a1'), ledgerInvite('a2')]);
    await fireEvent.click(screen.getByRole('button', { name: 'Choose pending invites…' }));
    expect(await screen.findByLabelText('Both pending invites')).toBeTruthy();
  });
});
