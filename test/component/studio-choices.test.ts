import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import InviteStudio from '../../renderer/src/components/InviteStudio.svelte';
import type { CreateInvitesRequest, Invite, StudioChoices } from '../../common/api';

type Choices = Omit<StudioChoices, 'serverId'>;

describe("the invite studio's last choices", () => {
  it('start the next batch from the last one, and are kept when a batch is made', async () => {
    const last: Choices = { kind: 'account', count: 12, expiresInSeconds: 28 * 86400, customDays: 14, reusable: true, maxUses: 3, role: '', link: 'uri' };
    const requests: CreateInvitesRequest[] = [];
    const saved: Choices[] = [];
    render(InviteStudio, {
      serverId: 's',
      withModule: true,
      create: (request: CreateInvitesRequest) => Promise.resolve(void requests.push(request)).then((): Invite[] => []),
      loadChoices: () => Promise.resolve(last),
      saveChoices: (choices: Choices) => Promise.resolve(void saved.push(choices)),
    });
    await waitFor(() => expect(screen.getByLabelText<HTMLInputElement>('How many').value).toBe('12'));
    await fireEvent.click(screen.getByRole('button', { name: /Create/ }));
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(requests[0]).toMatchObject({ count: 12, expiresInSeconds: 28 * 86400, maxUses: 3 });
    expect(saved[0]).toEqual(last);
  });
});
