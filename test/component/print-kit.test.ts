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

function kit(pending: LedgerInvite[]): { requests: CreateInvitesRequest[] } {
  const requests: CreateInvitesRequest[] = [];
  const create = (request: CreateInvitesRequest): Promise<Invite[]> => {
    requests.push(request);
    return Promise.resolve(
      Array.from({ length: request.count ?? 1 }, (_, i) => ({ serverId: 's', kind: 'account' as const, uri: `xmpp:example.org?register;preauth=new${i}`, token: `new${i}`, createdAt: new Date().toISOString() })),
    );
  };
  const list = (request: ListInvitesRequest): Promise<InvitePage> => Promise.resolve({ total: pending.length, invites: pending.filter((i) => !request.state || i.state === request.state) });
  render(PrintKit, { serverId: 's', domain: 'example.org', withModule: true, create, list });
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
});
