import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import InviteStudio from '../../renderer/src/components/InviteStudio.svelte';
import type { CreateInvitesRequest, Invite } from '../../common/api';

function recorder(): { requests: CreateInvitesRequest[]; create: (request: CreateInvitesRequest) => Promise<Invite[]> } {
  const requests: CreateInvitesRequest[] = [];
  return { requests, create: (request) => Promise.resolve(void requests.push(request)).then(() => []) };
}

const optionsOf = (select: HTMLElement): string[] => Array.from((select as HTMLSelectElement).options).map((o) => `${o.value}=${o.text.trim()}`);

describe('the invite studio', () => {
  it("offers the roles the server lists, a custom one by its name, and sends the one chosen", async () => {
    const { requests, create } = recorder();
    render(InviteStudio, { serverId: 's', withModule: true, create, roles: ['prosody:registered', 'prosody:member', 'prosody:admin', 'community:helper'] });
    const role = screen.getByLabelText('Role');
    expect(optionsOf(role)).toEqual([
      "=The server's default",
      'prosody:registered=Registered',
      'prosody:member=Member',
      'prosody:admin=Administrator',
      'community:helper=community:helper',
    ]);
    await fireEvent.change(role, { target: { value: 'community:helper' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Create invite' }));
    await fireEvent.click(await screen.findByRole('button', { name: 'Create with the role community:helper' }));
    await waitFor(() => expect(requests[0]?.role).toBe('community:helper'));
  });

  it('makes a stock password-reset invite for one named account without the module', async () => {
    const { requests, create } = recorder();
    const view = render(InviteStudio, { serverId: 's', withModule: false, create, stockReset: false });
    const resetOption = (): HTMLOptionElement | undefined => Array.from(screen.getByLabelText<HTMLSelectElement>('Kind').options).find((o) => o.value === 'reset');
    expect(resetOption()?.disabled).toBe(true);
    view.unmount();

    render(InviteStudio, { serverId: 's', withModule: false, create, stockReset: true });
    expect(resetOption()?.disabled).toBe(false);
    await fireEvent.input(screen.getByLabelText('How many'), { target: { value: '3' } });
    await fireEvent.change(screen.getByLabelText('Kind'), { target: { value: 'reset' } });
    await fireEvent.input(screen.getByLabelText('Account name'), { target: { value: ' forgetful ' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Create invite' }));
    expect(requests).toEqual([{ serverId: 's', kind: 'reset', count: 1, username: 'forgetful' }]);
  });

  it('warns while registration is closed, switches it to invite-only on request, and gives focus to the form', async () => {
    let reopened = 0;
    const { create } = recorder();
    render(InviteStudio, { serverId: 's', withModule: true, create, domain: 'example.org', closed: true, reopen: () => {
      reopened++;
      return Promise.resolve();
    } });
    const warning = screen.getByText('Registration on example.org is closed.').closest('[role=note]') as HTMLElement;
    expect(warning.textContent).toContain('Invites made now only work once registration is invite-only again');
    await fireEvent.click(screen.getByRole('button', { name: 'Switch to invite-only' }));
    await waitFor(() => expect(reopened).toBe(1));
    expect(document.activeElement).toBe(screen.getByLabelText('Kind'));
  });

  it('says nothing of a closed registration for a password reset, which still works', async () => {
    const { create } = recorder();
    render(InviteStudio, { serverId: 's', withModule: true, create, domain: 'example.org', closed: true });
    await fireEvent.change(screen.getByLabelText('Kind'), { target: { value: 'reset' } });
    expect(screen.queryByText('Registration on example.org is closed.')).toBeNull();
  });
});
