import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import ConnectForm from '../../renderer/src/components/ConnectForm.svelte';
import { AdminError } from '../../common/errors';

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
