import { describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { REASON_FIELD_CONFIG } from '../../common/join-requests';
import { accessibilityViolations, screenshot, SCREENSHOT_DIR } from '../helpers/browser';
import { prosodyFixture } from '../helpers/fixtures';
import { createInvites, setMemberRules, setPolicy, signIn } from '../helpers/invite-desk-protocol';
import { previewFixture } from '../helpers/preview-fixture';
import { WITH_INVITE_DESK, type Account } from '../helpers/prosody';
import { signUp } from '../helpers/raw-register';
import { englishOn, pseudo, readScreen } from '../helpers/screen-audit';

/**
 * No string left behind: every screen of the app in the pseudo-locale en-XA
 * (every letter accented, every text about 40% longer), light and dark, at the
 * smallest window (900×600), in the browser preview against a real Prosody with
 * mod_invite_desk. A screen fails on any word of the English catalog still in
 * plain ASCII (its text or its accessible names), on anything wider than its box,
 * and on any axe violation. Every finding is listed with its screen, theme and
 * element, so one run says all there is to fix.
 *
 * The test data is not English (Polish names and notes), so a word the test
 * typed cannot pass for a leak, nor a leak for test data. Controls are found by
 * their ids and structure, not their words, as the words are what is checked.
 */

const DOMAIN = 'ogrodek.test';
const admin: Account = { username: 'wojtek', password: 'haslo-wojtka' };
const member: Account = { username: 'bozena', password: 'haslo-bozeny' };

type Theme = 'light' | 'dark';

describe('the pseudo-locale on every screen', () => {
  const prosody = prosodyFixture({ domain: DOMAIN, admins: [admin], users: [member], ...WITH_INVITE_DESK, extraConfig: REASON_FIELD_CONFIG });
  const preview = previewFixture('pseudo-locale');
  /** Each problem found, with the themes it was found in: most are the same in both. */
  const problems = new Map<string, Theme[]>();
  const report = (problem: string, theme: Theme): void => {
    problems.set(problem, [...(problems.get(problem) ?? []), theme]);
  };

  /** Looks at the screen as it is now in both themes: screenshot, English words, overflow, axe. */
  async function check(page: Page, screen: string): Promise<void> {
    for (const theme of ['light', 'dark'] as const satisfies Theme[]) {
      await page.emulateMedia({ colorScheme: theme });
      await screenshot(page, `pseudo-${screen}-${theme}`);
      const reading = await readScreen(page);
      for (const find of englishOn(reading.texts)) {
        report(`${screen}: English "${find.words.join(' ')}" in ${find.where}${find.attribute ? ` [${find.attribute}]` : ''}: "${find.text.slice(0, 100)}"`, theme);
      }
      if (reading.pageOverflow > 0) report(`${screen}: the page scrolls sideways by ${reading.pageOverflow}px, past the edge: ${reading.beyondEdge.join('; ')}`, theme);
      for (const box of reading.overflows) report(`${screen}: overflow in ${box.where}: ${box.scrollWidth}px of content in ${box.clientWidth}px`, theme);
      for (const violation of await accessibilityViolations(page)) report(`${screen}: axe ${violation.id} (${violation.help}) at ${violation.targets.join(', ')}`, theme);
    }
    await page.emulateMedia({ colorScheme: 'light' });
  }

  const tab = (page: Page, id: string): Promise<void> => page.locator(`#section-tab-${id}`).click();
  const panel = (page: Page) => page.locator('#section-panel');
  const confirmDialog = (page: Page) => page.locator('dialog[aria-labelledby="confirm-title"]');
  const trustDialog = (page: Page) => page.locator('dialog[aria-labelledby="trust-title"]');

  it('shows no English, no overflow and no axe violation on any screen, light or dark, at 900×600', async () => {
    const server = prosody();
    // Data on every screen: a member's invite (the members' tree), an admin's invite with a note (the ledger).
    const seeder = await signIn(server, admin, 'seed');
    try {
      await setMemberRules(seeder, { who: 'members', perPeriod: 3, periodDays: 7, maxPending: 3, minAgeDays: 0 });
      const memberSession = await signIn(server, member, 'telefon');
      await createInvites(memberSession).finally(() => memberSession.stop());
      const [invite] = await createInvites(seeder, { note: 'Dla sąsiadów z działki siódmej' });

      const { page, errors } = await preview.open('light', 600, 900);

      // The language is chosen in Settings, before anything else is shown.
      await page.locator('.settings-link').click();
      await page.locator('select:has(option[value="en-XA"])').first().selectOption('en-XA');
      await expect.poll(() => page.evaluate('document.documentElement.lang')).toBe('en-XA');
      await check(page, 'settings-first-start');

      // The connect form: empty (with the empty server list), then with the problems of an empty submit.
      await page.locator('button.add').click();
      await page.locator('#jid').waitFor();
      await check(page, 'connect-empty');
      await page.locator('form button[type="submit"]').click();
      await page.locator('#jid[aria-invalid="true"]').waitFor();
      await check(page, 'connect-invalid');

      // A wrong password: the certificate is asked about first, then the server refuses.
      await page.locator('#jid').fill(`${admin.username}@${DOMAIN}`);
      await page.locator('#password').fill('zle-haslo');
      await page.locator('#address').fill(`127.0.0.1:${server.c2sPort}`);
      await page.locator('form button[type="submit"]').click();
      await trustDialog(page).waitFor();
      await check(page, 'trust-certificate');
      await trustDialog(page).locator('button.primary').click();
      await page.locator('[role="alert"]').waitFor();
      await check(page, 'connect-refused');

      await page.locator('#password').fill(admin.password);
      await page.locator('form button[type="submit"]').click();
      const heading = page.getByRole('heading', { name: DOMAIN, exact: true });
      await heading.or(trustDialog(page)).first().waitFor();
      if (await trustDialog(page).isVisible()) await trustDialog(page).locator('button.primary').click();
      await heading.waitFor();

      // While the app watches: a newcomer signs up with the invite, then someone asks to join.
      expect(await signUp(server, 'zofia', invite?.token)).toEqual({ ok: true });
      await setPolicy(seeder, 'approval');
      expect(await signUp(server, 'kwame', undefined, { fields: { reason: 'Uprawiam pomidory na działce dwunastej' } })).toEqual({ ok: true });
      await page.locator('#section-tab-requests').waitFor();

      await page.locator('.growth').waitFor();
      await page.locator('label.segment:has(input[value="approval"]).checked').waitFor();
      await check(page, 'dashboard');

      // A confirmation: opening registration to anyone asks first.
      await page.locator('label.segment:has(input[value="open"])').click();
      await confirmDialog(page).waitFor();
      await check(page, 'confirm-dialog');
      await confirmDialog(page).locator('button').first().click();
      await confirmDialog(page).waitFor({ state: 'hidden' });

      await tab(page, 'invites');
      await page.locator('form.control-panel button[type="submit"]').click();
      await page.locator('article img.qr').first().waitFor();
      await check(page, 'invite-studio');
      await page.locator('article .actions button').last().click();
      const full = page.locator('.full[role="dialog"]');
      await full.locator('img').waitFor();
      await check(page, 'full-screen-card');
      await full.locator('button.primary').click();

      await tab(page, 'kit');
      await page.getByRole('button', { name: pseudo('kit.create', { n: 8 }) }).click();
      await expect.poll(() => page.locator('.card').count()).toBe(8);
      await check(page, 'print-kit');

      await tab(page, 'ledger');
      await panel(page).getByText('Dla sąsiadów', { exact: false }).first().waitFor();
      await check(page, 'ledger');

      await tab(page, 'feed');
      await panel(page).getByText(`zofia@${DOMAIN}`, { exact: false }).first().waitFor();
      await check(page, 'feed');

      await tab(page, 'requests');
      await panel(page).getByText(`kwame@${DOMAIN}`, { exact: false }).first().waitFor();
      await check(page, 'requests');

      await tab(page, 'members');
      await panel(page).getByText('bozena', { exact: false }).first().waitFor();
      await check(page, 'members');

      await tab(page, 'onboarding');
      await panel(page).locator('form, [role="alert"]').first().waitFor();
      await check(page, 'new-members');

      await tab(page, 'activity');
      await panel(page).locator('ol.entries li').first().waitFor();
      await check(page, 'activity');

      await tab(page, 'server');
      await page.locator('#invite-page-guide').waitFor();
      await check(page, 'server-set-up');

      // Settings again, now with a server: its saved sign-in, connect at start, sign-up messages.
      await page.locator('.settings-link').click();
      await page.locator('select:has(option[value="en-XA"])').first().waitFor();
      await check(page, 'settings');

      expect(errors).toEqual([]);
    } finally {
      await seeder.stop();
    }
    const found = [...problems].map(([problem, themes]) => `${problem} (${themes.join(', ')})`);
    await mkdir(SCREENSHOT_DIR, { recursive: true });
    await writeFile(join(SCREENSHOT_DIR, 'pseudo-locale-findings.txt'), found.join('\n'));
    expect(found.length, `${found.length} problems on the screens:\n${found.join('\n')}`).toBe(0);
  });
});
