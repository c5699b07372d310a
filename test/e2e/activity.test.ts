import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { connectThroughForm } from '../helpers/connect-ui';
import { accessibilityViolations, screenshot } from '../helpers/browser';
import { prosodyFixture } from '../helpers/fixtures';
import { createInvites, revokeInvites, setPolicy, signIn } from '../helpers/invite-desk-protocol';
import { previewFixture } from '../helpers/preview-fixture';
import { STOCK_MODULES, WITH_INVITE_DESK, type Account } from '../helpers/prosody';

/**
 * Another admin's actions reaching an open window, marked with who and when,
 * and the Activity view, in the browser preview against a real Prosody, at
 * 900×600 in both themes and at 1280×800; on stock Prosody it says the
 * module is needed.
 */

const admin: Account = { username: 'admin', password: 'admin-password' };
const anna: Account = { username: 'anna', password: 'anna-password' };

describe('two admins and the activity log in the browser preview', () => {
  const prosody = prosodyFixture({ domain: 'team.test', admins: [admin, anna], ...WITH_INVITE_DESK });
  const stock = prosodyFixture({ domain: 'stock.test', admins: [admin], modules: STOCK_MODULES });
  const preview = previewFixture('activity');
  const stockPreview = previewFixture('activity-stock');

  async function check(page: Page, name: string): Promise<void> {
    await screenshot(page, name);
    expect(await accessibilityViolations(page), name).toEqual([]);
  }

  it("shows another admin's switch and revocation as they happen, and lists them under Activity", async () => {
    const server = prosody();
    const { page, errors } = await preview.open('light', 600, 900);
    await connectThroughForm(page, server, admin);
    await page.getByRole('radio', { name: /Invite-only/ }).waitFor();

    const other = await signIn(server, anna, 'other-desk');
    try {
      await setPolicy(other, 'closed');
      await page.getByText(`Switched to closed by anna@${server.domain}, just now.`).waitFor();
      expect(await page.getByRole('radio', { name: /Closed/ }).isChecked()).toBe(true);
      await check(page, 'policy-switched-by-other-light');

      await page.getByRole('tab', { name: 'Invites', exact: true }).click();
      const made = await createInvites(other, { count: 2, note: 'from anna' });
      await page.getByRole('status').filter({ hasText: `anna@${server.domain} created 2 account invites, just now.` }).waitFor();
      await page.getByText('from anna').first().waitFor();
      await revokeInvites(other, [made[0]?.id ?? '']);
      await page.getByRole('status').filter({ hasText: `anna@${server.domain} revoked 1 invite, just now.` }).waitFor();
      await check(page, 'ledger-changed-by-other-light');
    } finally {
      await other.stop();
    }

    await page.getByRole('tab', { name: 'Activity' }).click();
    const list = page.getByRole('list', { name: /What admins did, newest first/ });
    await expect.poll(() => list.getByRole('listitem').count()).toBe(3);
    expect(await list.getByRole('listitem').first().innerText()).toMatch(new RegExp(`^anna@${server.domain.replace('.', '\\.')} revoked 1 invite`));
    await check(page, 'activity-light');
    await page.getByRole('combobox', { name: 'Kind' }).selectOption('policy-changed');
    await expect.poll(() => list.getByRole('listitem').count()).toBe(1);
    expect(errors).toEqual([]);

    const dark = await preview.open('dark', 600, 900);
    await dark.page.getByRole('heading', { name: server.domain, exact: true }).waitFor();
    await dark.page.getByRole('tab', { name: 'Activity' }).click();
    await dark.page.getByRole('list', { name: /What admins did/ }).getByRole('listitem').first().waitFor();
    await check(dark.page, 'activity-dark');

    const wide = await preview.open('light', 800, 1280);
    await wide.page.getByRole('heading', { name: server.domain, exact: true }).waitFor();
    await wide.page.getByRole('tab', { name: 'Activity' }).click();
    await wide.page.getByRole('list', { name: /What admins did/ }).getByRole('listitem').first().waitFor();
    await check(wide.page, 'activity-light-1280');
    expect([...dark.errors, ...wide.errors]).toEqual([]);
  });

  it('says the module is needed on stock Prosody', async () => {
    const server = stock();
    const { page, errors } = await stockPreview.open('dark', 600, 900);
    await connectThroughForm(page, server, admin);
    await page.getByRole('tab', { name: 'Activity' }).click();
    await page.getByText('The log of what each admin did needs the Invite Desk module on this server.').waitFor();
    await check(page, 'activity-stock-dark');
    expect(errors).toEqual([]);
  });
});
