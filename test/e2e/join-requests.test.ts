import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { REASON_FIELD_CONFIG } from '../../common/join-requests';
import { connectThroughForm } from '../helpers/connect-ui';
import { accessibilityViolations, screenshot } from '../helpers/browser';
import { prosodyFixture } from '../helpers/fixtures';
import { createInvites, setMemberRules, setPolicy, signIn } from '../helpers/invite-desk-protocol';
import { previewFixture } from '../helpers/preview-fixture';
import { WITH_INVITE_DESK, type Account, type ProsodyServer } from '../helpers/prosody';
import { signUp } from '../helpers/raw-register';
import { testClient } from '../helpers/session';

/**
 * Ask to join and member invites in the browser preview against a real
 * Prosody, at the desktop app's smallest window (900×600), in both themes.
 */

const admin: Account = { username: 'admin', password: 'admin-password' };
const member: Account = { username: 'member', password: 'member-password' };

/** Whether a tab shows whole inside its row (a row too long for the window hides the tabs at its ends). (A string: the tests have no DOM types.) */
function wholeInRow(page: Page, name: string): Promise<boolean> {
  return page.evaluate(`(() => {
    const tab = [...document.querySelectorAll('[role="tab"]')].find((t) => t.textContent.trim().startsWith(${JSON.stringify(name)}));
    if (!tab) return false;
    const shown = tab.closest('[role="tablist"]').getBoundingClientRect();
    const box = tab.getBoundingClientRect();
    return box.left >= shown.left - 1 && box.right <= shown.right + 1;
  })()`);
}

/** Clicks `button` (which goes once nothing is left to show) until `done`: each click scrolls, smoothly, by most of a row. */
async function clickUntil(button: Locator, done: () => Promise<boolean>): Promise<void> {
  await expect
    .poll(async () => {
      if (await done()) return true;
      // The last click's scroll may reach the end and take the button away between these two lines.
      await button.click({ timeout: 1_000 }).catch(() => undefined);
      return done();
    })
    .toBe(true);
}

/** Whether `username` (password `<username>-pw`) can sign in now. */
async function canSignIn(server: ProsodyServer, username: string): Promise<boolean> {
  const client = testClient(server, { username, password: `${username}-pw` }, 'phone');
  client.entity.on('error', () => undefined);
  try {
    await client.entity.start();
    await client.entity.stop();
    return true;
  } catch {
    return false;
  }
}

describe('requests to join and member invites in the browser preview', () => {
  const prosody = prosodyFixture({ domain: 'garden.test', admins: [admin], users: [member], ...WITH_INVITE_DESK, extraConfig: REASON_FIELD_CONFIG });
  const preview = previewFixture('join');
  const open = (colorScheme: 'light' | 'dark'): ReturnType<typeof preview.open> => preview.open(colorScheme, 600, 900);

  async function check(page: Page, name: string): Promise<void> {
    await screenshot(page, name);
    expect(await accessibilityViolations(page), name).toEqual([]);
  }

  /** Requests and Members in French at 900×600: no axe violation, and nothing wider than its box (French runs longer than English). */
  async function checkFrench(page: Page, domain: string, theme: 'light' | 'dark'): Promise<void> {
    // A visually hidden label is clipped to 1px, and the row of tabs scrolls, on purpose. (A string: the tests have no DOM types.)
    const overflowing = (): Promise<string[]> =>
      page.evaluate(`[document.documentElement, ...document.querySelectorAll('main, main *:not([role="tablist"])')]
        .filter((e) => e.clientWidth > 1 && e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible')
        .map((e) => e.tagName + '.' + e.className)`);
    await page.getByRole('tab', { name: /^Demandes/ }).click();
    await page.getByRole('list', { name: `Demandes d’adhésion à ${domain}` }).getByRole('listitem').first().waitFor();
    await check(page, `requests-fr-${theme}`);
    expect(await overflowing()).toEqual([]);
    await page.getByRole('tab', { name: 'Membres', exact: true }).click();
    await page.getByRole('heading', { name: 'Qui a invité qui' }).waitFor();
    await page.getByText(`sprout@${domain}`).waitFor();
    await check(page, `members-fr-${theme}`);
    expect(await overflowing()).toEqual([]);

    // French tabs are wider than the row: the chosen one is in view, and the buttons at the ends show the others.
    expect(await wholeInRow(page, 'Membres')).toBe(true);
    const later = page.getByRole('button', { name: 'Afficher les sections suivantes' });
    const earlier = page.getByRole('button', { name: 'Afficher les sections précédentes' });
    expect(await wholeInRow(page, 'Serveur')).toBe(false);
    await clickUntil(later, () => wholeInRow(page, 'Serveur'));
    expect(await wholeInRow(page, 'Tableau de bord')).toBe(false);
    await screenshot(page, `tabs-end-fr-${theme}`);
    await clickUntil(earlier, () => wholeInRow(page, 'Tableau de bord'));
    await expect.poll(() => earlier.isVisible()).toBe(false);
    await expect.poll(() => later.isVisible()).toBe(true);
    // Keys move along the tabs, and the row follows the one they reach.
    await page.getByRole('tab', { name: 'Tableau de bord' }).focus();
    await page.keyboard.press('End');
    await expect.poll(() => wholeInRow(page, 'Serveur')).toBe(true);
    await page.getByRole('tab', { name: 'Membres', exact: true }).click();
    await page.getByRole('heading', { name: 'Qui a invité qui' }).scrollIntoViewIfNeeded();
    await screenshot(page, `members-tree-fr-${theme}`);
  }

  it('switches to Ask to join, lists the requests with their badges, and approves and rejects them', async () => {
    const server = prosody();
    const { page, errors } = await open('light');
    await connectThroughForm(page, server, admin);

    await page.getByText('Anyone can ask; an admin approves').click();
    const confirm = page.getByRole('dialog', { name: 'Let anyone ask to join?' });
    await confirm.waitFor();
    await check(page, 'ask-to-join-confirm-light');
    await confirm.getByRole('button', { name: 'Let people ask' }).click();
    await expect.poll(() => page.getByRole('radio', { name: /Ask to join/ }).isChecked()).toBe(true);

    expect(await signUp(server, 'rosa', undefined, { fields: { reason: 'I grow tomatoes on plot 12' } })).toEqual({ ok: true });
    expect(await signUp(server, 'spam1')).toEqual({ ok: true });
    expect(await signUp(server, 'spam2')).toEqual({ ok: true });
    const badge = page.getByRole('navigation', { name: 'Servers' }).getByTitle('Requests to join');
    await expect.poll(() => badge.innerText().catch(() => '')).toMatch(/^3\b/);
    await check(page, 'requests-badges-light');

    await page.getByRole('tab', { name: /Requests/ }).click();
    const list = page.getByRole('list', { name: `Requests to join ${server.domain}` });
    await expect.poll(() => list.getByRole('listitem').count()).toBe(3);
    expect(await list.getByRole('listitem').filter({ hasText: 'rosa@' }).innerText()).toContain('I grow tomatoes on plot 12');
    expect(await list.getByRole('listitem').first().innerText()).toContain('3 requests from this address in the last hour');
    await check(page, 'requests-light');

    expect(await canSignIn(server, 'rosa')).toBe(false);
    await page.getByRole('button', { name: `Approve rosa@${server.domain}` }).click();
    await page.getByRole('status').filter({ hasText: `Approved rosa@${server.domain}.` }).waitFor();
    expect(await canSignIn(server, 'rosa')).toBe(true);

    await page.getByRole('checkbox', { name: 'Select all' }).check();
    await page.getByRole('button', { name: 'Reject selected' }).click();
    const reject = page.getByRole('dialog', { name: 'Reject 2 requests?' });
    await reject.waitFor();
    await check(page, 'requests-reject-confirm-light');
    await reject.getByRole('button', { name: 'Reject and delete' }).click();
    await page.getByText('Nobody is waiting.').waitFor();
    expect(await page.getByRole('navigation', { name: 'Servers' }).innerText()).not.toContain('asking to join');
    // Their names are free again.
    expect(await signUp(server, 'spam1')).toEqual({ ok: true });
    await expect.poll(() => list.getByRole('listitem').count()).toBe(1);
    await check(page, 'requests-after-light');
    expect(errors).toEqual([]);
  });

  it('shows the Requests, Members and Server tabs in dark mode', async () => {
    const server = prosody();
    const session = await signIn(server, admin, 'setup');
    try {
      await setPolicy(session, 'approval');
      await setMemberRules(session, { who: 'members', perPeriod: 3, periodDays: 7, maxPending: 3, minAgeDays: 0 });
    } finally {
      await session.stop();
    }
    const memberSession = await signIn(server, member, 'phone');
    const [invite] = await createInvites(memberSession).finally(() => memberSession.stop());
    expect(await signUp(server, 'sprout', invite?.token)).toEqual({ ok: true });
    expect(await signUp(server, 'weed', undefined, { fields: { reason: 'Cheap watches!!! Visit my site' } })).toEqual({ ok: true });

    const { page, errors } = await open('dark');
    await page.getByRole('heading', { name: server.domain, exact: true }).waitFor();
    await page.getByRole('tab', { name: /Requests/ }).click();
    await page.getByRole('list', { name: `Requests to join ${server.domain}` }).getByRole('listitem').first().waitFor();
    await check(page, 'requests-dark');

    await page.getByRole('tab', { name: 'Members', exact: true }).click();
    await page.getByText(`sprout@${server.domain}`).waitFor();
    await check(page, 'members-dark');
    await page.getByRole('heading', { name: 'Who invited whom' }).scrollIntoViewIfNeeded();
    await screenshot(page, 'members-tree-dark');
    await page.getByRole('button', { name: `Hold their invitees (member@${server.domain})` }).click();
    await page.getByRole('status').filter({ hasText: 'from now on wait for approval' }).waitFor();

    await page.getByRole('tab', { name: 'Server' }).click();
    await page.getByRole('heading', { name: 'A reason to join' }).scrollIntoViewIfNeeded();
    await check(page, 'server-reason-dark');
    expect(errors).toEqual([]);

    // A larger window, in light mode.
    const wide = await preview.open('light', 800, 1280);
    await wide.page.getByRole('heading', { name: server.domain, exact: true }).waitFor();
    await wide.page.getByRole('tab', { name: 'Members', exact: true }).click();
    await wide.page.getByText('Invitees wait for approval').waitFor();
    await check(wide.page, 'members-light-1280');
    await wide.page.getByRole('tab', { name: /Requests/ }).click();
    await wide.page.getByRole('list', { name: `Requests to join ${server.domain}` }).waitFor();
    await check(wide.page, 'requests-light-1280');
    expect(wide.errors).toEqual([]);

    // In French, kept for the next window too, in both themes.
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByLabel('Language').selectOption('fr');
    await page.getByRole('navigation', { name: 'Serveurs' }).getByRole('button').filter({ hasText: server.domain }).click();
    await checkFrench(page, server.domain, 'dark');
    const french = await open('light');
    await checkFrench(french.page, server.domain, 'light');
    expect([...errors, ...french.errors]).toEqual([]);
  });
});
