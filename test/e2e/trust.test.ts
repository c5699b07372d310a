import { describe, expect, it } from 'vitest';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { prosodyFixture } from '../helpers/fixtures';
import { WITH_INVITE_DESK, type ProsodyServer } from '../helpers/prosody';
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

/** A local part of 40 characters: with the 60-character domain, an address of 101. */
const LONG_NAME = 'a-member-with-a-rather-long-account-name';

/**
 * What goes wrong at a narrow width, each said in words: the tab row wraps,
 * or a field of the studio runs under its neighbour.
 */
const LAYOUT_PROBLEMS = `(() => {
  const problems = [];
  const tabs = Array.from(document.querySelectorAll('[role=tab]'));
  if (new Set(tabs.map((t) => Math.round(t.getBoundingClientRect().top))).size > 1) problems.push('the tab row wraps');
  const kind = document.querySelector('.studio select');
  const count = document.getElementById('studio-count');
  if (kind && count) {
    const [a, b] = [kind.getBoundingClientRect(), count.getBoundingClientRect()];
    const overlap = a.right > b.left + 1 && b.right > a.left + 1 && a.bottom > b.top + 1 && b.bottom > a.top + 1;
    if (overlap) problems.push('Kind runs under How many');
  }
  return problems;
})()`;

/** At 1280 the ledger's table fits its box, its rows stay short, and no address breaks inside a word. */
const LEDGER_AT_1280 = `(() => {
  const box = document.querySelector('.table-box');
  if (!box) return [];
  const problems = [];
  if (box.scrollWidth > box.clientWidth + 1) problems.push('the ledger is ' + (box.scrollWidth - box.clientWidth) + ' px wider than its box');
  for (const row of box.querySelectorAll('tbody tr')) {
    if (row.getBoundingClientRect().height > 160) problems.push('a ledger row is ' + Math.round(row.getBoundingClientRect().height) + ' px tall');
  }
  // A line may end after a hyphen or a dot, or before an @; never between two letters or digits.
  const range = document.createRange();
  for (const address of box.querySelectorAll('.address')) {
    for (const node of address.childNodes) {
      if (node.nodeType !== 3) continue;
      const text = node.textContent;
      let top = null;
      for (let i = 0; i < text.length; i++) {
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const here = range.getBoundingClientRect().top;
        if (top !== null && here > top + 2 && /[A-Za-z0-9]/.test(text[i - 1]) && /[A-Za-z0-9]/.test(text[i])) {
          problems.push('"' + text + '" breaks inside a word, before "' + text.slice(i) + '"');
        }
        top = here;
      }
    }
  }
  return problems;
})()`;

/** Printed cards whose text is cut off or that reach past their sheet, each said in words. */
const CLIPPED_CARDS = `Array.from(document.querySelectorAll('.page .card')).flatMap((card, index) => {
  const sheet = card.closest('.page').getBoundingClientRect();
  const box = card.getBoundingClientRect();
  const cut = card.scrollHeight > card.clientHeight + 1 || box.bottom > sheet.bottom + 1 || box.right > sheet.right + 1;
  return cut ? ['card ' + (index + 1) + ': ' + card.scrollHeight + ' px of text in ' + card.clientHeight + ' px, ending at ' + box.bottom + ' of ' + sheet.bottom] : [];
})`;

/** The server's view: the tests of this file share one preview, so it is connected already, unless a test runs alone. */
async function serverShown(page: Page, server: ProsodyServer): Promise<void> {
  const heading = page.getByRole('heading', { name: DOMAIN, exact: true });
  await heading.or(page.getByRole('heading', { name: 'Connect to a server' })).waitFor();
  if (!(await heading.isVisible())) await connectThroughForm(page, server, admin);
  await heading.waitFor();
}

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
    // From the keyboard: the choices are disabled while the server answers, and focus comes back to the one in force, not the page.
    await page.getByRole('radio', { name: /Invite-only/ }).focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Space');
    await expect.poll(() => page.getByRole('radio', { name: /Closed/ }).isChecked()).toBe(true);
    await expect.poll(() => page.evaluate<string>("document.activeElement?.getAttribute('value') ?? document.activeElement?.tagName ?? ''")).toBe('closed');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Space');
    await expect.poll(() => page.getByRole('radio', { name: /Invite-only/ }).isChecked()).toBe(true);
    await expect.poll(() => page.evaluate<string>("document.activeElement?.getAttribute('value') ?? ''")).toBe('invite-only');
    expect(errors).toEqual([]);
  });

  it('saves A4 and Letter kits as PDFs of that paper, one page of 8 cards that all fit and decode', async () => {
    // At two pixels per CSS pixel, as a printer's dots are finer than a screen's: a card's code is some 110 CSS
    // pixels for 45 modules, which at one pixel each reads back or not depending on the random token it carries.
    const { page, errors } = await preview.open('light', undefined, undefined, 2);
    await serverShown(page, prosody());
    await page.getByRole('tab', { name: 'Print kit' }).click();
    await page.getByRole('button', { name: 'Create 8 cards' }).click();
    const cards = page.getByLabel('Printable cards').locator('.card');
    await expect.poll(() => cards.count()).toBe(8);
    // A card's code is an image: on a busy machine it may still be decoding when the cards are counted.
    // Runs in the page; kept as source text because this file is compiled without the DOM's types.
    await cards.locator('img').evaluateAll('(images) => Promise.all(images.map((image) => image.decode()))');
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
    await serverShown(page, server);
    // Real data at its worst: an invite with a 500-character note, used by someone.
    await page.getByRole('tab', { name: 'Create invites' }).click();
    await page.getByLabel('Note').fill(NOTE);
    await page.getByRole('button', { name: 'Create invite', exact: true }).click();
    const link = await page.getByRole('article').first().locator('code').innerText();
    const token = /preauth=([A-Za-z0-9_-]+)/.exec(link)?.[1];
    expect(await registerAccount({ port: server.c2sPort, domain: DOMAIN, username: 'newcomer', password: 'pw', ...(token ? { token } : {}) })).toEqual({ ok: true });
    // And an address as long as they come: the ledger must not break it mid-word, nor grow past its box.
    await page.getByRole('tab', { name: 'Create invites' }).click();
    await page.getByRole('button', { name: 'Create invite', exact: true }).click();
    // The card of the first invite stays until the new one replaces it.
    await expect.poll(() => page.getByRole('article').first().locator('code').innerText()).not.toBe(link);
    const second = /preauth=([A-Za-z0-9_-]+)/.exec(await page.getByRole('article').first().locator('code').innerText())?.[1];
    expect(await registerAccount({ port: server.c2sPort, domain: DOMAIN, username: LONG_NAME, password: 'pw', ...(second ? { token: second } : {}) })).toEqual({ ok: true });
    await page.getByRole('tab', { name: /Sign-ups/ }).click();
    await page.getByRole('list', { name: 'Sign-ups' }).getByRole('listitem').filter({ hasText: LONG_NAME }).waitFor();

    const screens: { name: string; show: () => Promise<void> }[] = [
      ...(['Dashboard', 'Create invites', 'Print kit', 'Invites', 'Sign-ups', 'Server'] as const).map((tab) => ({
        name: tab,
        show: async () => {
          await page.getByRole('button', { name: DOMAIN }).first().click();
          await page.getByRole('tab', { name: tab, exact: tab !== 'Sign-ups' }).click();
          await page.getByRole('tabpanel').getByRole('heading', { level: 2 }).first().waitFor();
          if (tab === 'Invites') await page.getByRole('row').filter({ hasText: LONG_NAME }).waitFor();
          if (tab === 'Dashboard') await page.getByRole('heading', { name: 'Growth' }).waitFor();
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
          for (const problem of await page.evaluate<string[]>(LAYOUT_PROBLEMS)) problems.push(`${label}: ${problem}`);
          if (width === 1280) for (const problem of await page.evaluate<string[]>(LEDGER_AT_1280)) problems.push(`${label}: ${problem}`);
          if (name === 'Dashboard') {
            await page.evaluate("document.querySelector('.growth').scrollIntoView({ block: 'start' })");
            await screenshot(page, `trust-growth-${width}x${height}-${theme}`);
            await page.evaluate("document.querySelector('main').scrollTo(0, 0)");
          }
          for (const violation of await accessibilityViolations(page)) problems.push(`${label}: ${violation.id} (${violation.help}) at ${violation.targets.join(', ')}`);
        }
      }
    }
    // The server list widened as far as it goes, at 900: the tabs still keep to one row.
    await page.setViewportSize({ width: 900, height: 600 });
    await page.getByRole('separator', { name: 'Width of the server list' }).focus();
    await page.keyboard.press('End');
    await page.getByRole('button', { name: DOMAIN }).first().click();
    await page.getByRole('tab', { name: 'Create invites' }).click();
    for (const problem of await page.evaluate<string[]>(LAYOUT_PROBLEMS)) problems.push(`Create invites at 900×600 beside the widest server list: ${problem}`);
    await screenshot(page, 'trust-create-invites-900x600-wide-sidebar');
    await page.getByRole('separator', { name: 'Width of the server list' }).focus();
    await page.keyboard.press('Home');
    expect(problems).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('opens again on a frame of the last dashboard that holds nothing the server said and takes no click, until the app replaces it', async () => {
    for (const theme of ['light', 'dark'] as const) {
      const { page, errors } = await preview.open(theme);
      await serverShown(page, prosody());
      await page.locator('.segment.checked').waitFor();
      await expect.poll(() => page.evaluate<boolean>("localStorage.getItem('invite-desk.kept-frame') !== null")).toBe(true);
      // The app's code is held back, so that the frame stays up to be looked at.
      let release = (): void => undefined;
      const held = new Promise<void>((resolve) => (release = resolve));
      await page.route(/\/assets\/index-[\w-]+\.js$/, async (route) => {
        await held;
        await route.continue();
      });
      await page.reload();
      const frame = page.locator('#app[inert][aria-hidden="true"]');
      await frame.locator('h2', { hasText: 'Registration' }).waitFor();
      await frame.locator('h1', { hasText: DOMAIN }).waitFor();
      await screenshot(page, `kept-frame-${theme}`);
      // Nothing the server said: no policy chosen, no counts, no status; nothing that reports the real screen's paint.
      const shown = await page.evaluate<{ segments: number; liveText: string; timed: number; focusable: boolean }>(`(() => {
        const app = document.getElementById('app');
        const button = app.querySelector('button');
        button.focus();
        return {
          segments: app.querySelectorAll('.segment').length,
          liveText: Array.from(app.querySelectorAll('[data-live]')).map((e) => e.textContent).join(''),
          timed: app.querySelectorAll('[elementtiming]').length,
          focusable: document.activeElement === button,
        };
      })()`);
      expect(shown).toEqual({ segments: 0, liveText: '', timed: 0, focusable: false });
      // Nothing in it is offered to a screen reader or the pointer as if it were the app.
      expect(await page.getByRole('button', { name: 'Disconnect' }).count()).toBe(0);
      expect(await page.getByRole('tab').count()).toBe(0);
      release();
      await page.locator('.segment.checked').waitFor();
      expect(await page.locator('#app[inert], #app[aria-hidden]').count()).toBe(0);
      await page.getByRole('button', { name: 'Disconnect' }).waitFor();
      expect(await accessibilityViolations(page)).toEqual([]);

      // A window that will show another server shows no frame: its code starts at once.
      await page.unroute(/\/assets\/index-[\w-]+\.js$/);
      await page.evaluate("localStorage.setItem('invite-desk.shown-server', 'another')");
      await page.reload();
      await page.locator('.segment.checked').waitFor();
      expect(await page.evaluate<boolean>("(() => { const app = document.getElementById('app'); return app.inert || app.hasAttribute('aria-hidden'); })()")).toBe(false);
      expect(errors).toEqual([]);
      await page.context().close();
    }
  });
});

describe('two servers whose names differ only at their start, in the sidebar', () => {
  const prosody = prosodyFixture({ domain: 'demo.invite-desk.example', admins: [admin], ...WITH_INVITE_DESK });
  const preview = previewFixture('trust-sidebar');

  it('shows the part that tells them apart, at 1,280×800 and 900×600 in both themes, folded too, and axe finds nothing', async () => {
    const server = prosody();
    const first = await preview.open('light');
    await connectThroughForm(first.page, server, admin);
    // The second server, saved from an earlier session: it need not be reachable to be listed.
    const path = join(preview.home(), 'settings.json');
    await expect.poll(async () => (JSON.parse(await readFile(path, 'utf8')) as { servers: unknown[] }).servers.length).toBe(1);
    const settings = JSON.parse(await readFile(path, 'utf8')) as { servers: unknown[] };
    settings.servers.push({ profile: { id: 'demo2', jid: 'admin@demo2.invite-desk.example', address: '127.0.0.1:1' } });
    await writeFile(path, JSON.stringify(settings));
    const { page, errors } = await preview.open('light');
    await page.getByRole('heading', { name: server.domain, exact: true }).waitFor();
    const sidebar = page.getByRole('navigation', { name: 'Servers' });
    await sidebar.getByRole('button', { name: /demo2\.invite-desk\.example/ }).waitFor();
    const problems: string[] = [];
    for (const [width, height] of [[1280, 800], [900, 600]] as const) {
      await page.setViewportSize({ width, height });
      for (const theme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: theme });
        const label = `${width}×${height}, ${theme}`;
        const leads = await page.evaluate<[string, boolean][]>(
          "Array.from(document.querySelectorAll('nav .lead')).map((span) => [span.textContent, span.scrollWidth > span.clientWidth + 1])",
        );
        expect(leads.map(([text]) => text), label).toEqual(['demo', 'demo2']);
        for (const [text, cut] of leads) if (cut) problems.push(`${label}: "${text}" is cut`);
        await screenshot(page, `trust-sidebar-${width}x${height}-${theme}`);
        for (const violation of await accessibilityViolations(page)) problems.push(`${label}: ${violation.id} (${violation.help}) at ${violation.targets.join(', ')}`);
      }
    }
    await page.getByRole('button', { name: 'Server list' }).click();
    await screenshot(page, 'trust-sidebar-folded-900x600-dark');
    for (const violation of await accessibilityViolations(page)) problems.push(`folded: ${violation.id} (${violation.help}) at ${violation.targets.join(', ')}`);
    await page.getByRole('button', { name: 'Server list' }).click();
    expect(problems).toEqual([]);
    expect([...first.errors, ...errors]).toEqual([]);
  });
});
