import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { prosodyFixture } from '../helpers/fixtures';
import { accessibilityViolations, screenshot } from '../helpers/browser';
import { submitConnectForm } from '../helpers/connect-ui';
import { previewFixture } from '../helpers/preview-fixture';

const admin = { username: 'admin', password: 'admin-password' };

describe('connecting from the browser preview', () => {
  const prosody = prosodyFixture({ domain: 'e2e.test', admins: [admin] });
  const preview = previewFixture('connect');
  const openApp = (colorScheme: 'light' | 'dark'): ReturnType<typeof preview.open> => preview.open(colorScheme);

  it('fills the form, trusts the certificate and shows the server overview', async () => {
    const server = prosody();
    const { page, errors } = await openApp('light');
    await expect.poll(() => page.getByRole('heading', { name: 'Connect to a server' }).isVisible()).toBe(true);
    // The preview keeps sign-ins in memory only, and says so before the admin types a password.
    await expect.poll(() => page.getByRole('note').innerText()).toContain('Your sign-in will not be saved.');
    await screenshot(page, 'connect-empty-light');
    expect(await accessibilityViolations(page)).toEqual([]);

    // Submitting an empty form explains each problem instead of calling the server.
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await expect.poll(() => page.getByText('Enter the admin account as name@example.org.').isVisible()).toBe(true);
    await screenshot(page, 'connect-invalid-light');
    expect(await accessibilityViolations(page)).toEqual([]);

    await submitConnectForm(page, server, admin);

    const dialog = page.getByRole('dialog', { name: 'Trust this certificate?' });
    await dialog.waitFor();
    const shown = (await dialog.getByLabel('SHA-256 fingerprint').locator('code').innerText()).replace(/\s+/g, ':');
    expect(shown).toBe(server.certificateFingerprint());
    await screenshot(page, 'trust-dialog-light');
    expect(await accessibilityViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Trust and connect' }).click();

    await page.getByRole('heading', { name: server.domain, exact: true }).waitFor();
    // Without mod_invite_desk the dashboard explains what the switch needs, and where the steps are.
    expect(await page.getByRole('note').first().innerText()).toContain('needs the Invite Desk module');
    await screenshot(page, 'dashboard-stock-light');
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByRole('tab', { name: 'Server', exact: true }).click();
    const available = page.getByRole('list', { name: 'Available features' });
    await expect.poll(() => available.getByRole('heading', { name: 'Account invites' }).isVisible()).toBe(true);
    const missing = page.getByRole('list', { name: 'Missing features' });
    await expect.poll(() => missing.getByRole('heading', { name: 'Invite Desk module' }).isVisible()).toBe(true);
    expect(await missing.locator('code').allInnerTexts()).toContain('modules_enabled = { …, "invite_desk" }');
    await expect.poll(() => page.getByRole('navigation', { name: 'Servers' }).getByText('Online').count()).toBe(1);
    await screenshot(page, 'overview-light');
    expect(await accessibilityViolations(page)).toEqual([]);

    // The trusted fingerprint is stored with the profile; the password is not.
    const stored = await readFile(join(preview.home(), 'settings.json'), 'utf8');
    expect(stored).toContain(server.certificateFingerprint());
    expect(stored).not.toContain(admin.password);
    expect(errors).toEqual([]);
  });

  it('shows the saved server after a reload, and a wrong password as a clear error, in dark mode', async () => {
    const server = prosody();
    const { page, errors } = await openApp('dark');
    await page.getByRole('heading', { name: server.domain, exact: true }).waitFor();
    await screenshot(page, 'overview-dark');
    expect(await accessibilityViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Disconnect' }).click();
    await page.getByRole('heading', { name: `Sign in to ${server.domain}` }).waitFor();
    await page.getByLabel('Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toContain('did not accept the password');
    await screenshot(page, 'connect-error-dark');
    expect(await accessibilityViolations(page)).toEqual([]);

    // The saved sign-in still works: an empty password uses it.
    await page.getByLabel('Password (optional)').fill('');
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.getByRole('heading', { name: server.domain, exact: true }).waitFor();
    expect(errors).toEqual([]);
  });

  it('shows a dropped server as reconnecting, then comes back by itself', async () => {
    const server = prosody();
    const light = await openApp('light');
    const dark = await openApp('dark');
    for (const { page } of [light, dark]) await page.getByRole('heading', { name: server.domain, exact: true }).waitFor();
    const restarted = server.restart(4000);
    for (const [{ page }, name] of [[light, 'reconnecting-light'], [dark, 'reconnecting-dark']] as const) {
      await page.getByRole('status').filter({ hasText: 'Reconnecting' }).waitFor();
      expect(await page.getByRole('navigation', { name: 'Servers' }).getByText('Reconnecting…', { exact: true }).count()).toBe(1);
      await screenshot(page, name);
      expect(await accessibilityViolations(page)).toEqual([]);
    }
    await restarted;
    await light.page.getByRole('heading', { name: server.domain, exact: true }).waitFor({ timeout: 60_000 });
    expect([...light.errors, ...dark.errors]).toEqual([]);
  });

  it('shows the trust dialog in dark mode without accessibility problems, and cancelling it connects nothing', async () => {
    const server = prosody();
    const { page, errors } = await openApp('dark');
    await page.getByRole('button', { name: '+ Add a server' }).click();
    await submitConnectForm(page, server, admin);
    const dialog = page.getByRole('dialog', { name: 'Trust this certificate?' });
    await dialog.waitFor();
    await screenshot(page, 'trust-dialog-dark');
    expect(await accessibilityViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect(await page.getByRole('navigation', { name: 'Servers' }).getByRole('listitem').count()).toBe(1);
    expect(errors).toEqual([]);
  });
});
