import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import ConnectForm from '../../renderer/src/components/ConnectForm.svelte';
import type { SavedProfile, ServerProfile } from '../../common/api';
import { AdminError } from '../../common/errors';

/** The form's only way out is the `connect` callback; this records what it was given. */
function recorder(outcome: () => Promise<unknown>): { calls: [ServerProfile, string | undefined][]; connect: (p: ServerProfile, pw?: string) => Promise<unknown> } {
  const calls: [ServerProfile, string | undefined][] = [];
  return {
    calls,
    connect: (profile, password) => {
      calls.push([profile, password]);
      return outcome();
    },
  };
}

function savedServer(hasSavedCredentials: boolean): SavedProfile {
  return {
    id: 'saved',
    jid: 'admin@example.org',
    address: '10.0.0.2:5222',
    trustedFingerprint: 'AB:'.repeat(31) + 'AB',
    registrationTemplate: '$username joined',
    unread: 0,
    hasSavedCredentials,
    connectAtStart: true,
  };
}

describe('the connect form', () => {
  it('explains each invalid field and does not call the server', async () => {
    const { calls, connect } = recorder(() => Promise.resolve());
    render(ConnectForm, { connect });
    await fireEvent.input(screen.getByLabelText('Server address (optional)'), { target: { value: 'host:99999' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Connect' }));
    expect(screen.getByText('Enter the admin account as name@example.org.')).toBeTruthy();
    expect(screen.getByText("Enter the account's password.")).toBeTruthy();
    expect(screen.getByText("Port 99999 is out of range: a port is a number from 1 to 65535 (XMPP's usual one is 5222).")).toBeTruthy();
    expect(screen.getByLabelText('Admin account').getAttribute('aria-invalid')).toBe('true');
    expect(calls).toEqual([]);
  });

  it('sends a profile without empty optional fields, and the password separately', async () => {
    const { calls, connect } = recorder(() => Promise.resolve());
    render(ConnectForm, { connect });
    await fireEvent.input(screen.getByLabelText('Admin account'), { target: { value: ' admin@example.org ' } });
    await fireEvent.input(screen.getByLabelText('Password'), { target: { value: 'secret' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Connect' }));
    expect(calls).toHaveLength(1);
    const [profile, password] = calls[0] ?? [];
    expect(profile).toMatchObject({ jid: 'admin@example.org' });
    expect(profile && Object.keys(profile).sort()).toEqual(['id', 'jid']);
    expect(password).toBe('secret');
  });

  it('shows the admin-facing message of a failed sign-in', async () => {
    const { connect } = recorder(() => Promise.reject(new AdminError('auth-failed', 'The server did not accept the password for admin@example.org.')));
    render(ConnectForm, { connect });
    await fireEvent.input(screen.getByLabelText('Admin account'), { target: { value: 'admin@example.org' } });
    await fireEvent.input(screen.getByLabelText('Password'), { target: { value: 'wrong' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Connect' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('did not accept the password');
  });

  it('prefills a saved server and keeps its trusted fingerprint and template', async () => {
    const { hasSavedCredentials, unread, connectAtStart, ...profile } = savedServer(false);
    const { calls, connect } = recorder(() => Promise.resolve());
    render(ConnectForm, { profile: { ...profile, hasSavedCredentials, unread, connectAtStart }, connect });
    expect(screen.getByRole('heading', { name: 'Sign in to example.org' })).toBeTruthy();
    expect(screen.getByLabelText<HTMLInputElement>('Server address (optional)').value).toBe('10.0.0.2:5222');
    await fireEvent.input(screen.getByLabelText('Password'), { target: { value: 'pw' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Connect' }));
    expect(calls[0]).toEqual([profile, 'pw']);
  });

  it('signs in with the saved sign-in when the password is left empty, and asks for it once the server refuses that', async () => {
    let refuse = true;
    const { calls, connect } = recorder(() => (refuse ? Promise.reject(new AdminError('password-required', 'Enter the password again.')) : Promise.resolve()));
    render(ConnectForm, { profile: savedServer(true), connect });
    expect(screen.getByText(/leave this empty to use it/)).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Connect' }));
    expect(calls[0]?.[1]).toBeUndefined();
    expect((await screen.findByRole('alert')).textContent).toContain('Enter the password again.');
    refuse = false;
    await fireEvent.click(screen.getByRole('button', { name: 'Connect' }));
    expect(screen.getByText("Enter the account's password.")).toBeTruthy();
    expect(calls).toHaveLength(1);
  });

  it('does not ask to trust the certificate again after a wrong password, but does for another server', async () => {
    const fingerprint = 'CD:'.repeat(31) + 'CD';
    const certificate = { fingerprint, subject: 'CN=example.org', issuer: 'CN=example.org', validFrom: '', validTo: '', reason: 'DEPTH_ZERO_SELF_SIGNED_CERT' };
    const { calls, connect } = recorder(() =>
      Promise.reject(
        calls.at(-1)?.[0].trustedFingerprint === fingerprint
          ? new AdminError('auth-failed', 'The server did not accept the password for admin@example.org.')
          : new AdminError('tls-untrusted', 'Your system does not trust the certificate of example.org.', certificate),
      ),
    );
    render(ConnectForm, { connect });
    await fireEvent.input(screen.getByLabelText('Admin account'), { target: { value: 'admin@example.org' } });
    await fireEvent.input(screen.getByLabelText('Password'), { target: { value: 'wrong' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Connect' }));
    await fireEvent.click(await screen.findByRole('button', { name: 'Trust and connect' }));
    expect((await screen.findByRole('alert')).textContent).toContain('did not accept the password');

    await fireEvent.input(screen.getByLabelText('Password'), { target: { value: 'right-this-time' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Connect' }));
    expect(calls.at(-1)?.[0].trustedFingerprint).toBe(fingerprint);
    expect(screen.queryByRole('button', { name: 'Trust and connect' })).toBeNull();

    // Another server's certificate is another question.
    await fireEvent.input(screen.getByLabelText('Admin account'), { target: { value: 'admin@other.example' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Connect' }));
    expect(calls.at(-1)?.[0].trustedFingerprint).toBeUndefined();
  });
});
