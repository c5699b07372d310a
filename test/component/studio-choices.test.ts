import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import InviteStudio from '../../renderer/src/components/InviteStudio.svelte';
import type { CreateInvitesRequest, Invite, StudioChoices } from '../../common/api';

type Choices = Omit<StudioChoices, 'serverId'>;

const ROLES = ['prosody:registered', 'prosody:member', 'prosody:admin', 'community:helper'];

function studio(loaded: Choices | null = null): { requests: CreateInvitesRequest[]; saved: Choices[] } {
  const requests: CreateInvitesRequest[] = [];
  const saved: Choices[] = [];
  render(InviteStudio, {
    serverId: 's',
    withModule: true,
    domain: 'example.org',
    roles: ROLES,
    create: (request: CreateInvitesRequest) => Promise.resolve(void requests.push(request)).then((): Invite[] => []),
    loadChoices: () => Promise.resolve(loaded),
    saveChoices: (choices: Choices) => Promise.resolve(void saved.push(choices)),
  });
  return { requests, saved };
}

const create = (): Promise<boolean> => fireEvent.click(screen.getByRole('button', { name: /^Create (invite|\d+ invites)$/ }));
const roleSelect = (): HTMLSelectElement => screen.getByLabelText<HTMLSelectElement>('Role');

describe("the invite studio's last choices", () => {
  it('carry over only what is safe to repeat, and say what was carried over', async () => {
    // As an older version saved them: an admin role, a reusable batch of 12 that never expires.
    const { requests, saved } = studio({ kind: 'contact', count: 12, expiresInSeconds: 0, customDays: 14, reusable: true, maxUses: 3, role: 'prosody:admin', link: 'uri' });
    const carried = await screen.findByText(/^Carried over from your last batch/);
    expect(carried.textContent).toBe('Carried over from your last batch: contact invites and QR codes that open the XMPP app directly.');
    expect(screen.getByLabelText<HTMLSelectElement>('Kind').value).toBe('contact');
    expect(screen.getByLabelText<HTMLInputElement>('How many').value).toBe('1');
    expect(screen.getByLabelText<HTMLInputElement>('Reusable').checked).toBe(false);
    expect(screen.getByLabelText<HTMLInputElement>('1 week').checked).toBe(true);
    expect(roleSelect().value).toBe('');
    await create();
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(requests[0]).toEqual({ serverId: 's', kind: 'contact', count: 1, expiresInSeconds: 7 * 86400, maxUses: 1 });
    expect(saved[0]).toEqual({ kind: 'contact', expiresInSeconds: 7 * 86400, customDays: 14, role: '', link: 'uri' });
  });

  it('start from the defaults again on request', async () => {
    studio({ kind: 'contact', expiresInSeconds: 28 * 86400, customDays: 14, role: 'prosody:registered', link: 'landing' });
    await fireEvent.click(await screen.findByRole('button', { name: 'Start from the defaults' }));
    expect(screen.getByLabelText<HTMLSelectElement>('Kind').value).toBe('account');
    expect(screen.getByLabelText<HTMLInputElement>('1 week').checked).toBe(true);
    expect(roleSelect().value).toBe('');
    expect(screen.queryByText(/^Carried over/)).toBeNull();
  });
});

describe('a role above Member', () => {
  it('asks first, naming what the role may do, gets focus back to the role on Cancel, and is never carried to the next batch', async () => {
    const { requests, saved } = studio();
    await fireEvent.change(roleSelect(), { target: { value: 'prosody:admin' } });
    roleSelect().blur();
    await create();
    const dialog = await screen.findByRole('dialog', { name: 'Create an invite that makes an account Administrator?' });
    expect(dialog.textContent).toContain("can change the server's settings, delete accounts and make other admins");
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(requests).toEqual([]);
    await waitFor(() => expect(document.activeElement).toBe(roleSelect()));

    await create();
    await fireEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Create with the role Administrator' }));
    await waitFor(() => expect(requests).toHaveLength(1));
    expect(requests[0]?.role).toBe('prosody:admin');
    // Back at the default in this same view, and nothing elevated kept for next time.
    await waitFor(() => expect(roleSelect().value).toBe(''));
    await waitFor(() => expect(saved[0]?.role).toBe(''));
    await create();
    await waitFor(() => expect(requests).toHaveLength(2));
    expect(requests[1]?.role).toBeUndefined();
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it("asks for a custom role too, which may hold an admin's permission whatever its rank", async () => {
    const { requests } = studio();
    await fireEvent.change(roleSelect(), { target: { value: 'community:helper' } });
    await create();
    const dialog = await screen.findByRole('dialog', { name: 'Create an invite that makes an account community:helper?' });
    expect(dialog.textContent).toContain("custom_roles");
    expect(requests).toEqual([]);
  });

  it('makes a Member without asking, for this batch only', async () => {
    const { requests, saved } = studio();
    await fireEvent.change(roleSelect(), { target: { value: 'prosody:member' } });
    await create();
    await waitFor(() => expect(requests[0]?.role).toBe('prosody:member'));
    expect(screen.queryByRole('dialog')).toBeNull();
    await waitFor(() => expect(saved[0]?.role).toBe(''));
    expect(roleSelect().value).toBe('');
  });
});
