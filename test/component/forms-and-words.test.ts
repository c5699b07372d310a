import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import ConnectForm from '../../renderer/src/components/ConnectForm.svelte';
import InviteStudio from '../../renderer/src/components/InviteStudio.svelte';
import { AdminError } from '../../common/errors';
import type { CreateInvitesRequest, Invite } from '../../common/api';

function studio(accountExists?: (name: string) => Promise<boolean | undefined>): CreateInvitesRequest[] {
  const requests: CreateInvitesRequest[] = [];
  const create = (request: CreateInvitesRequest): Promise<Invite[]> => Promise.resolve(void requests.push(request)).then(() => []);
  render(InviteStudio, { serverId: 's', withModule: true, create, roles: ['prosody:member'], domain: 'example.org', ...(accountExists ? { accountExists } : {}) });
  return requests;
}

describe('forms and their words', () => {
  it("drops a server's earlier answer when the form's own problem is shown instead", async () => {
    render(ConnectForm, { connect: () => Promise.reject(new AdminError('auth-failed', 'The server refused the password.')) });
    await fireEvent.input(screen.getByLabelText('Admin account'), { target: { value: 'admin@example.org' } });
    await fireEvent.input(screen.getByLabelText('Password'), { target: { value: 'wrong' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Connect' }));
    await screen.findByText('The server refused the password.');
    await fireEvent.input(screen.getByLabelText('Server address (optional)'), { target: { value: 'host:0' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Connect' }));
    expect(screen.getByText(/Port 0 is out of range/)).toBeTruthy();
    expect(screen.queryByText('The server refused the password.')).toBeNull();
  });
});

describe('the invite studio form', () => {
  it('shows only the fields that apply to the kind: a reset has an account name, and no count, reuse or role', async () => {
    studio();
    expect(screen.getByLabelText('How many')).toBeTruthy();
    expect(screen.getByLabelText('Role')).toBeTruthy();
    await fireEvent.change(screen.getByLabelText('Kind'), { target: { value: 'reset' } });
    expect(screen.getByLabelText('Account name')).toBeTruthy();
    for (const gone of ['How many', 'Role', 'Only for account name', 'Reusable']) expect(screen.queryByLabelText(gone), gone).toBeNull();
  });

  it('keeps "Valid for" to the expiry choices alone', () => {
    studio();
    const validFor = screen.getByRole('group', { name: 'Valid for' });
    expect(Array.from(validFor.querySelectorAll('input')).every((input) => input.type === 'radio')).toBe(true);
    expect(validFor.contains(screen.getByLabelText('Note'))).toBe(false);
  });

  it('explains invalid fields inline, as the connect form does, and sends nothing', async () => {
    const requests = studio();
    await fireEvent.input(screen.getByLabelText('How many'), { target: { value: '0' } });
    await fireEvent.input(screen.getByLabelText('Only for account name'), { target: { value: 'two words' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Create invite' }));
    expect(screen.getByText('Enter a whole number from 1 to 500.')).toBeTruthy();
    expect(screen.getByLabelText('How many').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('Enter just the name before the @, without spaces or /.')).toBeTruthy();
    await fireEvent.change(screen.getByLabelText('Kind'), { target: { value: 'reset' } });
    await fireEvent.input(screen.getByLabelText('Account name'), { target: { value: '' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Create invite' }));
    expect(screen.getByText('Enter the name of the account whose password is to be reset.')).toBeTruthy();
    expect(requests).toEqual([]);
  });

  it('checks every rule the server would refuse before sending, in the same words and place, and focuses the first field at fault', async () => {
    const requests = studio((name) => Promise.resolve(name === 'taken'));
    const name = screen.getByLabelText('Only for account name');
    const submit = (): Promise<boolean> => fireEvent.click(screen.getByRole('button', { name: /^Create/ }));
    const problemOf = (field: HTMLElement): string | undefined => document.getElementById(field.getAttribute('aria-describedby') ?? '')?.textContent;

    await fireEvent.input(name, { target: { value: 'alice' } });
    await fireEvent.click(screen.getByLabelText('Reusable'));
    await submit();
    expect(problemOf(name)).toBe('An invite for one named account is used once: untick Reusable, or leave the name empty.');
    expect(document.activeElement).toBe(name);

    await fireEvent.click(screen.getByLabelText('Reusable'));
    await fireEvent.input(screen.getByLabelText('How many'), { target: { value: '3' } });
    expect(problemOf(name)).toBe('Only one invite can be for a named account: make 1, or leave the name empty.');
    await fireEvent.input(screen.getByLabelText('How many'), { target: { value: '1' } });

    await fireEvent.input(name, { target: { value: 'é'.repeat(600) } });
    expect(problemOf(name)).toBe('An account name has at most 1,023 characters; this one has 1,200.');

    await fireEvent.input(name, { target: { value: 'taken' } });
    await submit();
    await waitFor(() => expect(problemOf(name)).toBe('There is already an account taken on example.org: choose another name, or make a password reset for it.'));

    await fireEvent.input(name, { target: { value: '' } });
    await fireEvent.change(screen.getByLabelText('Kind'), { target: { value: 'contact' } });
    await fireEvent.click(screen.getByLabelText('Reusable'));
    await submit();
    expect(screen.getByText('A contact invite works once: untick Reusable.')).toBeTruthy();
    expect(requests).toEqual([]);
  });

  it('agrees its verb with what needs the module', () => {
    render(InviteStudio, { serverId: 's', withModule: false, create: () => Promise.resolve([]) });
    expect(screen.getByRole('note').textContent).toContain('Expiry, use limits, notes, bound account names and roles need the Invite Desk module on this server.');
  });
});
