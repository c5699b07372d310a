import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import InviteStudio from '../../renderer/src/components/InviteStudio.svelte';
import type { Invite } from '../../common/api';
import { AdminError } from '../../common/errors';

const invite = (n: number): Invite => ({ serverId: 's', kind: 'account', uri: `xmpp:example.org?register;preauth=token${n}`, token: `token${n}`, createdAt: new Date(0).toISOString() });

describe('a batch that fails partway, in the invite studio', () => {
  it('shows the error and the invites that were made, and not those of an earlier batch', async () => {
    let call = 0;
    const create = (): Promise<Invite[]> =>
      ++call === 1
        ? Promise.resolve([invite(100)])
        : Promise.reject(new AdminError('not-connected', '2 of 10 invites were made before this: the connection was lost.', { created: [invite(1), invite(2)] }));
    render(InviteStudio, { serverId: 's', withModule: false, create });
    await fireEvent.click(screen.getByRole('button', { name: /Create invite/ }));
    expect(await screen.findAllByText(/token100/)).not.toHaveLength(0);

    await fireEvent.click(screen.getByRole('button', { name: /Create invite/ }));
    expect(await screen.findByText(/2 of 10 invites were made/)).toBeTruthy();
    expect(screen.getAllByText(/token1\b/)).not.toHaveLength(0);
    expect(screen.getAllByText(/token2\b/)).not.toHaveLength(0);
    expect(screen.queryAllByText(/token100/)).toHaveLength(0);
  });
});
