import { afterEach, describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import ErrorNotice from '../../renderer/src/components/ErrorNotice.svelte';
import { adminSetupGuide } from '../../common/setup-guide';
import { setLanguage } from '../../renderer/src/lib/i18n/index.svelte';

afterEach(() => setLanguage('en'));

const account = 'member@example.org';
const refusal = (detail: unknown) => ({
  code: 'not-admin' as const,
  message: `${account} is not an administrator of example.org, so Invite Desk cannot manage it. On Prosody 13.0.1, give ${account} the admin role …`,
  detail,
});

describe('a refused admin account', () => {
  it("shows the steps for the server's version in the app's language, each ready to copy", () => {
    setLanguage('de');
    render(ErrorNotice, { error: refusal(adminSetupGuide(account, { name: 'Prosody', version: '13.0.1' })) });
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('Dieses Konto ist kein Admin des Servers.');
    expect(alert.querySelector('code')?.textContent).toBe(`sudo prosodyctl shell user set_role ${account} prosody:admin`);
    expect(screen.getByRole('button', { name: /^Kopieren\s*Schritt 1 für Admin-Rechte$/ })).toBeTruthy();
    // The backend's English paragraph is not repeated beside the steps.
    expect(alert.textContent).not.toContain('is not an administrator');
  });

  it('on 0.12, names the admins list and the restart', () => {
    render(ErrorNotice, { error: refusal(adminSetupGuide(account, { name: 'Prosody', version: '0.12.4' })) });
    expect([...screen.getByRole('alert').querySelectorAll('code')].map((c) => c.textContent)).toEqual([`admins = { "${account}" }`, 'sudo prosodyctl restart']);
  });

  it("keeps to the backend's words when the detail is not a guide whose every word it knows", () => {
    setLanguage('de');
    const forged = { ...adminSetupGuide(account, undefined), summary: { id: 'no.such.key' } };
    for (const detail of [forged, { steps: 'rm -rf /' }, null, 'text']) {
      const { unmount } = render(ErrorNotice, { error: refusal(detail) });
      const alert = screen.getByRole('alert');
      expect(alert.querySelector('code')).toBeNull();
      expect(alert.textContent).toContain('is not an administrator of example.org');
      unmount();
    }
  });
});
