import { afterAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROCK_ON_SERVER } from '../../common/setup-guide';
import { packRock } from '../../scripts/lib/rock';
import { accessibilityViolations, screenshot } from '../helpers/browser';
import { connectThroughForm, submitConnectForm } from '../helpers/connect-ui';
import { prosodyFixture } from '../helpers/fixtures';
import { previewFixture } from '../helpers/preview-fixture';
import { prosodyFlavour, STOCK_MODULES, type Account } from '../helpers/prosody';

/**
 * The guidance screens: a server without mod_invite_desk and without sign-up
 * notices, the steps the dashboard and the Server tab show for its Prosody
 * version, and the same steps run on the server, after which Check again finds
 * both features over the session the app already had.
 */

const exec = promisify(execFile);
const flavour = prosodyFlavour();
const admin: Account = { username: 'admin', password: 'admin-password' };
const member: Account = { username: 'member', password: 'member-password' };
const domain = 'guide.test';

describe(`the setup guidance, on Prosody ${flavour.version}`, () => {
  const plugins = join(tmpdir(), `invite-desk-guide-plugins-${process.pid}`);
  const prosody = prosodyFixture({
    domain,
    admins: [admin],
    users: [member],
    modules: [...STOCK_MODULES.filter((m) => m !== 'watchregistrations'), 'admin_shell'],
    // Absolute: Prosody resolves a relative one against its compiled-in data folder.
    extraConfig: `installer_plugin_path = ${JSON.stringify(plugins)}`,
  });
  const preview = previewFixture('guide');
  const openApp = (colorScheme: 'light' | 'dark'): ReturnType<typeof preview.open> => preview.open(colorScheme);
  afterAll(async () => {
    await rm(plugins, { recursive: true, force: true });
  });

  /** Runs a `sudo prosodyctl …` line as the page shows it, against the test server, with the rock where the test made it. */
  async function runShown(line: string, rockPath: string): Promise<void> {
    const match = /^sudo prosodyctl (.+)$/.exec(line);
    if (!match?.[1]) throw new Error(`not a prosodyctl line: ${line}`);
    const args = match[1].split(' ').map((arg) => (arg === ROCK_ON_SERVER ? rockPath : arg));
    await exec(flavour.prosodyctl, ['--config', prosody().configPath, ...args], { timeout: 60_000 });
  }

  it('tells a member how to become an admin on this version', async () => {
    const { page, errors } = await openApp('light');
    await page.getByRole('heading', { name: 'Connect to a server' }).waitFor();
    await submitConnectForm(page, prosody(), member);
    await page.getByRole('dialog').getByRole('button', { name: 'Trust and connect' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    // The steps for this server's version, each ready to copy.
    expect(await alert.locator('code').allInnerTexts()).toEqual(
      flavour.version === '13' ? [`sudo prosodyctl shell user set_role member@${domain} prosody:admin`] : [`admins = { "member@${domain}" }`, 'sudo prosodyctl restart'],
    );
    expect(await alert.getByRole('button', { name: /^Copy step 1 for admin rights$/ }).count()).toBe(1);
    await alert.scrollIntoViewIfNeeded();
    await screenshot(page, 'guide-not-admin-light');
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'guide-not-admin-dark');
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('shows the steps for what is missing, in both themes, and finds it all on Check again once they are done', async () => {
    const server = prosody();
    const light = await openApp('light');
    const { page } = light;
    await page.getByRole('heading', { name: 'Connect to a server' }).waitFor();
    await connectThroughForm(page, server, admin);

    // The dashboard: what is missing, with the steps for this server.
    const missing = page.getByRole('list', { name: 'Missing features' });
    await missing.getByRole('heading', { name: 'Invite Desk module' }).waitFor();
    expect(await missing.getByRole('heading').allInnerTexts()).toEqual(['Sign-up notices', 'Invite Desk module']);
    const version = flavour.version === '13' ? /For Prosody 13\.\d/ : /For Prosody 0\.12\.\d/;
    expect(await missing.innerText()).toMatch(version);
    const code = await missing.locator('code').allInnerTexts();
    expect(code).toEqual([
      'modules_enabled = { …, "watchregistrations" }',
      `sudo prosodyctl shell module load watchregistrations ${domain}`,
      `sudo apt-get install -y luarocks liblua5.4-dev\nsudo prosodyctl install ${ROCK_ON_SERVER}`,
      'modules_enabled = { …, "invite_desk" }',
      `sudo prosodyctl shell module load invite_desk ${domain}`,
    ]);
    await page.getByRole('button', { name: 'Copy step 3 for Invite Desk module' }).click();
    // A string, because the test's own config has no DOM types.
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(`sudo prosodyctl shell module load invite_desk ${domain}`);
    await screenshot(page, 'guide-dashboard-light');
    expect(await accessibilityViolations(page)).toEqual([]);

    await page.getByRole('tab', { name: 'Server', exact: true }).click();
    await page.getByRole('heading', { name: 'Not available yet' }).waitFor();
    // The page scrolls inside its main pane: bring the module's steps into the picture.
    await page.getByRole('list', { name: 'Missing features' }).getByRole('heading', { name: 'Invite Desk module' }).scrollIntoViewIfNeeded();
    await screenshot(page, 'guide-server-light');
    expect(await accessibilityViolations(page)).toEqual([]);

    // The same screens in dark mode, from a second window on the same session.
    const dark = await openApp('dark');
    await dark.page.getByRole('list', { name: 'Missing features' }).getByRole('heading', { name: 'Invite Desk module' }).waitFor();
    await screenshot(dark.page, 'guide-dashboard-dark');
    expect(await accessibilityViolations(dark.page)).toEqual([]);
    await dark.page.getByRole('tab', { name: 'Server', exact: true }).click();
    await dark.page.getByRole('heading', { name: 'Not available yet' }).waitFor();
    await dark.page.getByRole('list', { name: 'Missing features' }).getByRole('heading', { name: 'Invite Desk module' }).scrollIntoViewIfNeeded();
    await screenshot(dark.page, 'guide-server-dark');
    expect(await accessibilityViolations(dark.page)).toEqual([]);
    await dark.page.context().close();

    // Nothing done yet: Check again says what is still missing.
    const status = page.getByRole('status').filter({ hasText: 'Checked' });
    await page.getByRole('button', { name: 'Check again' }).click();
    await expect.poll(() => status.innerText()).toBe('Checked: still not available: Sign-up notices, Invite Desk module.');

    // The admin runs what the page shows, on the server.
    const rock = await packRock(join(preview.home(), 'rock'));
    const shown = (await page.getByRole('list', { name: 'Missing features' }).locator('code').allInnerTexts()).flatMap((block) => block.split('\n'));
    for (const line of shown.filter((l) => l.startsWith('sudo prosodyctl '))) await runShown(line, rock.path);

    await page.getByRole('button', { name: 'Check again' }).click();
    await expect.poll(() => status.innerText()).toBe('Checked: everything Invite Desk uses is available.');
    const available = page.getByRole('list', { name: 'Available features' });
    await available.getByRole('heading', { name: 'Invite Desk module' }).waitFor();
    await available.getByRole('heading', { name: 'Sign-up notices' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Nothing missing' }).isVisible()).toBe(true);
    await screenshot(page, 'guide-server-found-light');
    expect(await accessibilityViolations(page)).toEqual([]);

    // The dashboard now has the registration switch, over the same session.
    await page.getByRole('tab', { name: 'Dashboard' }).click();
    await expect.poll(() => page.getByRole('radio', { name: /Invite-only/ }).isChecked()).toBe(true);
    expect(await page.getByRole('list', { name: 'Missing features' }).count()).toBe(0);
    await screenshot(page, 'guide-dashboard-found-light');
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(await page.getByRole('navigation', { name: 'Servers' }).getByText('Online').count()).toBe(1);
    expect(light.errors).toEqual([]);
    expect(dark.errors).toEqual([]);
  });
});
