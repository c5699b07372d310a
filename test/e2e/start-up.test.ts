import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rm } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { runPreview, type RunningPreview } from '../../electron/preview/run';
import { accessibilityViolations, collectPageErrors, launchChromium, screenshot } from '../helpers/browser';
import { startProsody, type ProsodyServer } from '../helpers/prosody';
import { firstRun, profileFor, restartedService } from '../helpers/session';

const admin = { username: 'admin', password: 'admin-password' };

/**
 * Ready when it opens: five servers saved with their sign-in keys (sealed by
 * a keychain that outlives the process, as the desktop app's does), and the
 * preview started again over them, as after a restart of the app.
 */
describe('the app at start, with five saved servers', () => {
  let servers: ProsodyServer[] = [];
  let browser: Browser | undefined;
  let home = '';

  beforeAll(async () => {
    [servers, browser] = await Promise.all([
      Promise.all(Array.from({ length: 5 }, (_, i) => startProsody({ domain: `start${i + 1}.test`, admins: [admin] }))),
      launchChromium(),
    ]);
    home = (await firstRun(servers.map((server) => ({ profile: profileFor(server, admin), password: admin.password })))).home;
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all(servers.map((server) => server.stop()));
    if (home) await rm(home, { recursive: true, force: true });
  });

  /** The preview started again over the saved servers, and a window on it. */
  async function restart(colorScheme: 'light' | 'dark'): Promise<{ page: Page; errors: string[]; preview: RunningPreview }> {
    if (!browser) throw new Error('the browser did not start');
    const preview = await runPreview({ home, port: 0, service: restartedService(home) });
    const context = await browser.newContext({ colorScheme, viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await page.goto(preview.server.url);
    return { page, errors, preview };
  }

  const sidebar = (page: Page) => page.getByRole('navigation', { name: 'Servers' });
  const online = (page: Page): Promise<number> => sidebar(page).getByText('Online', { exact: true }).count();

  it('shows all five online after a restart of the preview, without a click', async () => {
    const { page, errors, preview } = await restart('light');
    try {
      await expect.poll(() => online(page), { timeout: 60_000 }).toBe(5);
      // The first saved server's dashboard is on screen, not its sign-in form.
      await page.getByRole('main').getByRole('heading', { level: 1, name: /^start\d\.test$/ }).waitFor();
      await page.getByRole('heading', { name: 'Registration' }).waitFor();
      await screenshot(page, 'start-up-five-online');
      expect(await accessibilityViolations(page)).toEqual([]);

      // Settings: each server's own switch and the app's, and no updater in the preview, said so.
      await page.getByRole('button', { name: 'Settings', exact: true }).click();
      await page.getByText('The browser preview has no updater').waitFor();
      expect(await page.getByRole('button', { name: 'Check for updates' }).count()).toBe(0);
      const servers = page.getByRole('list', { name: 'Servers that connect at start' });
      await servers.getByRole('checkbox', { name: 'admin@start2.test' }).uncheck();
      await screenshot(page, 'start-up-settings');
      expect(await accessibilityViolations(page)).toEqual([]);
      await expect.poll(async () => (await preview.service.listProfiles()).find((p) => p.jid === 'admin@start2.test')?.connectAtStart).toBe(false);
      await page.getByRole('checkbox', { name: 'Connect to the saved servers by themselves' }).uncheck();
      expect(await servers.getByRole('checkbox', { name: 'admin@start1.test' }).isDisabled()).toBe(true);
      await expect.poll(async () => (await preview.service.getPreferences()).connectAtStart).toBe(false);
      // Back on, for the next test.
      await page.getByRole('checkbox', { name: 'Connect to the saved servers by themselves' }).check();
      await servers.getByRole('checkbox', { name: 'admin@start2.test' }).check();
      await expect.poll(async () => (await preview.service.listProfiles()).every((p) => p.connectAtStart)).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
      await preview.stop();
    }
  });

  it('asks only the server that refused its saved sign-in for the password, and holds up none of the others', async () => {
    const [, , , hanging, refusing] = servers;
    if (!hanging || !refusing) throw new Error('five servers expected');
    // A new password, with a new salt, refuses the saved keys; a stopped server keeps its sign-in waiting.
    await refusing.register({ username: admin.username, password: 'changed-password' });
    hanging.signal('SIGSTOP');
    const { page, errors, preview } = await restart('dark');
    try {
      await sidebar(page).getByText('Enter its password').waitFor({ timeout: 60_000 });
      await expect.poll(() => online(page), { timeout: 60_000 }).toBe(3);
      expect(await sidebar(page).getByText('Connecting…').count()).toBe(1);
      await screenshot(page, 'start-up-password-and-connecting-dark');
      expect(await accessibilityViolations(page)).toEqual([]);

      hanging.signal('SIGCONT');
      await expect.poll(() => online(page), { timeout: 60_000 }).toBe(4);
      // The refused server's form asks for the password, which is no longer optional.
      await sidebar(page).getByRole('button', { name: /start5\.test/ }).click();
      await page.getByRole('heading', { name: 'Sign in to start5.test' }).waitFor();
      await screenshot(page, 'start-up-refused-sign-in-dark');
      const password = page.getByLabel('Password', { exact: true });
      expect(await password.count()).toBe(1);
      await password.fill('changed-password');
      await page.getByRole('button', { name: 'Connect', exact: true }).click();
      await page.getByRole('heading', { name: 'start5.test', exact: true }).waitFor();
      await expect.poll(() => online(page)).toBe(5);
      expect(errors).toEqual([]);
    } finally {
      hanging.signal('SIGCONT');
      await page.context().close();
      await preview.stop();
      await refusing.register(admin);
    }
  });
});
