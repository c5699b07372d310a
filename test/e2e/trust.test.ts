import { describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { prosodyFixture } from '../helpers/fixtures';
import { WITH_INVITE_DESK } from '../helpers/prosody';
import { registerAccount } from '../helpers/raw-register';
import { connectThroughForm } from '../helpers/connect-ui';
import { accessibilityViolations, screenshot, SCREENSHOT_DIR } from '../helpers/browser';
import { previewFixture } from '../helpers/preview-fixture';
import { decodeQr } from '../helpers/qr';

const admin = { username: 'admin', password: 'admin-password' };
/** A 60-character domain: the longest a layout must hold without a horizontal scroll. */
const DOMAIN = `${'garden'.repeat(8)}club.example`;
/** A note of 500 characters without a space: the worst a ledger cell gets. */
const NOTE = 'x'.repeat(500);

/** The page boxes of a PDF from Chromium, in points. */
function mediaBoxes(pdf: Buffer): [number, number][] {
  return [...pdf.toString('latin1').matchAll(/\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/g)].map((m) => [Number(m[1]), Number(m[2])]);
}

// Page-side code is given as text: this test's TypeScript setup has no DOM types.
/** How far the main panel scrolls sideways; 0 when everything fits. */
const sidewaysOverflow = (page: Page): Promise<number> => page.evaluate<number>("(() => { const main = document.querySelector('main'); return main.scrollWidth - main.clientWidth; })()");

/** Printed cards whose text is cut off or that reach past their sheet, each said in words. */
const CLIPPED_CARDS = `Array.from(document.querySelectorAll('.page .card')).flatMap((card, index) => {
  const sheet = card.closest('.page').getBoundingClientRect();
  const box = card.getBoundingClientRect();
  const cut = card.scrollHeight > card.clientHeight + 1 || box.bottom > sheet.bottom + 1 || box.right > sheet.right + 1;
  return cut ? ['card ' + (index + 1) + ': ' + card.scrollHeight + ' px of text in ' + card.clientHeight + ' px, ending at ' + box.bottom + ' of ' + sheet.bottom] : [];
})`;

describe('an admin UI you can trust, in the browser preview with mod_invite_desk', () => {
  const prosody = prosodyFixture({ domain: DOMAIN, admins: [admin], ...WITH_INVITE_DESK });
  const preview = previewFixture('trust');

  it('never changes registration when focus moves, lets Open be chosen again after a cancel, and says so on every tab while open', async () => {
    expect(DOMAIN).toHaveLength(60);
    const server = prosody();
    const { page, errors } = await preview.open('light');
    await connectThroughForm(page, server, admin);
    const inviteOnly = page.getByRole('radio', { name: /Invite-only/ });
    const closed = page.getByRole('radio', { name: /Closed/ });
    await expect.poll(() => inviteOnly.isChecked()).toBe(true);

    await inviteOnly.focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.locator(':focus').getAttribute('value')).toBe('closed');
    expect(await closed.isChecked()).toBe(false);
    expect(await inviteOnly.isChecked()).toBe(true);
    // Focused and selected look different: a dashed ring outside one, a filled and ticked card the other.
    const look = (choice: string): Promise<string> =>
      page.evaluate<string>(`(() => { const s = getComputedStyle(document.querySelector('input[value="${choice}"]').closest('label')); return [s.outlineStyle, s.backgroundColor].join(' '); })()`);
    const [focusedLook, selectedLook] = [await look('closed'), await look('invite-only')];
    expect(focusedLook).toMatch(/^dashed /);
    expect(selectedLook).toMatch(/^none /);
    expect(focusedLook.replace(/^dashed /, '')).not.toBe(selectedLook.replace(/^none /, ''));
    await screenshot(page, 'trust-policy-focus-moved');
    // The server agrees: after a reload the policy it reports is still invite-only.
    await page.reload();
    await expect.poll(() => page.getByRole('radio', { name: /Invite-only/ }).isChecked()).toBe(true);

    await page.getByText('Anyone can create an account').click();
    await page.getByRole('dialog', { name: 'Open registration to everyone?' }).getByRole('button', { name: 'Cancel' }).click();
    expect(await page.getByRole('radio', { name: /Open/ }).isChecked()).toBe(false);
    await page.getByText('Anyone can create an account').click();
    await page.getByRole('dialog', { name: 'Open registration to everyone?' }).getByRole('button', { name: 'Open registration' }).click();
    await expect.poll(() => page.getByRole('radio', { name: /Open/ }).isChecked()).toBe(true);
    await page.getByRole('tab', { name: 'Invites', exact: true }).click();
    await page.getByText(`Registration on ${DOMAIN} is open.`).waitFor();
    await screenshot(page, 'trust-open-banner');
    await page.getByRole('button', { name: 'Change it on the dashboard' }).click();
    await page.getByText('Only people with an invite').click();
    await expect.poll(() => page.getByText(`Registration on ${DOMAIN} is open.`).count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('saves A4 and Letter kits as PDFs of that paper, one page of 8 cards that all fit and decode', async () => {
    const { page, errors } = await preview.open('light');
    await page.getByRole('heading', { name: DOMAIN, exact: true }).waitFor();
    await page.getByRole('tab', { name: 'Print kit' }).click();
    await page.getByRole('button', { name: 'Create 8 cards' }).click();
    const cards = page.getByLabel('Printable cards').locator('.card');
    await expect.poll(() => cards.count()).toBe(8);
    await mkdir(SCREENSHOT_DIR, { recursive: true });
    for (const [paper, size] of [['A4', [595, 842]], ['Letter', [612, 792]]] as const) {
      await page.getByLabel('Paper').selectOption({ label: paper });
      const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
      await writeFile(join(SCREENSHOT_DIR, `trust-print-kit-${paper}.pdf`), pdf);
      const boxes = mediaBoxes(pdf);
      expect(boxes, paper).toHaveLength(1);
      for (const [width, height] of boxes) {
        expect(Math.abs(width - size[0]), `${paper} width ${width}`).toBeLessThan(2);
        expect(Math.abs(height - size[1]), `${paper} height ${height}`).toBeLessThan(2);
      }
      // As printed: no card's text is cut off, each lies inside its sheet, and each code reads back.
      await page.emulateMedia({ media: 'print' });
      await screenshot(page, `trust-print-kit-${paper}-as-printed`);
      const clipped = await page.evaluate<string[]>(CLIPPED_CARDS);
      expect(clipped, paper).toEqual([]);
      const links = await cards.locator('.link').allInnerTexts();
      for (const [index, link] of links.entries()) expect(decodeQr(await cards.nth(index).locator('img').screenshot()), `${paper} card ${index + 1}`).toBe(link);
      // Back to no emulation at all: with 'screen', page.pdf() would print the screen's layout.
      await page.emulateMedia({ media: null });
    }
    expect(errors).toEqual([]);
  });

  it('fits every screen into 1,280×800 and 900×600 in both themes, with a 500-character note and a 60-character domain, and axe finds nothing', async () => {
    const server = prosody();
    const { page, errors } = await preview.open('light');
    await page.getByRole('heading', { name: DOMAIN, exact: true }).waitFor();
    // Real data at its worst: an invite with a 500-character note, used by someone.
    await page.getByRole('tab', { name: 'Create invites' }).click();
    await page.getByLabel('Note').fill(NOTE);
    await page.getByRole('button', { name: 'Create invite', exact: true }).click();
    const link = await page.getByRole('article').first().locator('code').innerText();
    const token = /preauth=([A-Za-z0-9_-]+)/.exec(link)?.[1];
    expect(await registerAccount({ port: server.c2sPort, domain: DOMAIN, username: 'newcomer', password: 'pw', ...(token ? { token } : {}) })).toEqual({ ok: true });
    await page.getByRole('tab', { name: /Sign-ups/ }).click();
    await page.getByRole('list', { name: 'Sign-ups' }).getByRole('listitem').first().waitFor();

    const screens: { name: string; show: () => Promise<void> }[] = [
      ...(['Dashboard', 'Create invites', 'Print kit', 'Invites', 'Sign-ups', 'Server'] as const).map((tab) => ({
        name: tab,
        show: async () => {
          await page.getByRole('button', { name: DOMAIN }).first().click();
          await page.getByRole('tab', { name: tab, exact: tab !== 'Sign-ups' }).click();
          await page.getByRole('tabpanel').getByRole('heading', { level: 2 }).first().waitFor();
          if (tab === 'Invites') await page.getByRole('row').filter({ hasText: 'newcomer' }).waitFor();
        },
      })),
      {
        name: 'Settings',
        show: async () => {
          await page.getByRole('button', { name: 'Settings' }).click();
          await page.getByRole('heading', { name: 'Settings' }).waitFor();
        },
      },
      {
        name: 'Add a server',
        show: async () => {
          await page.getByRole('button', { name: '+ Add a server' }).click();
          await page.getByLabel('Admin account').waitFor();
        },
      },
    ];
    const problems: string[] = [];
    for (const [width, height] of [[1280, 800], [900, 600]] as const) {
      await page.setViewportSize({ width, height });
      for (const theme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: theme });
        for (const { name, show } of screens) {
          await show();
          const label = `${name} at ${width}×${height}, ${theme}`;
          const shot = `trust-${name.toLowerCase().replaceAll(' ', '-')}-${width}x${height}-${theme}`;
          await screenshot(page, shot);
          // The main panel scrolls by itself, so its end gets a picture of its own.
          await page.evaluate("document.querySelector('main').scrollTo(0, 1e6)");
          await screenshot(page, `${shot}-end`);
          await page.evaluate("document.querySelector('main').scrollTo(0, 0)");
          const overflow = await sidewaysOverflow(page);
          if (overflow > 0) problems.push(`${label}: the main panel scrolls ${overflow} px sideways`);
          for (const violation of await accessibilityViolations(page)) problems.push(`${label}: ${violation.id} (${violation.help}) at ${violation.targets.join(', ')}`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(errors).toEqual([]);
  });
});
