import { describe, expect, it } from 'vitest';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { prosodyFixture } from '../helpers/fixtures';
import { WITH_INVITE_DESK } from '../helpers/prosody';
import { connectThroughForm } from '../helpers/connect-ui';
import { screenshot, SCREENSHOT_DIR } from '../helpers/browser';
import { previewFixture } from '../helpers/preview-fixture';
import { readPdf } from '../helpers/pdf';

const admin = { username: 'admin', password: 'admin-password' };

describe('languages: the app in its language, the cards in theirs', () => {
  const prosody = prosodyFixture({ domain: 'garten.test', admins: [admin], ...WITH_INVITE_DESK });
  const preview = previewFixture('languages');

  it('prints an A4 kit in German from an English app: German labels and date on every card, and codes that carry the links', async () => {
    const server = prosody();
    const { page, errors } = await preview.open('light');
    await connectThroughForm(page, server, admin);
    await page.getByRole('tab', { name: 'Print kit' }).click();
    await page.getByLabel('Card language').selectOption({ label: 'Deutsch' });
    await page.getByRole('button', { name: 'Create 8 cards' }).click();
    const cards = page.getByLabel('Printable cards').locator('.card');
    await expect.poll(() => cards.count()).toBe(8);
    // The app stays English around German cards.
    await page.getByRole('button', { name: 'Print…' }).waitFor();
    await screenshot(page, 'languages-german-kit');
    const links = await cards.locator('.link').allInnerTexts();

    await page.emulateMedia({ media: 'print' });
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    await page.emulateMedia({ media: null });
    await mkdir(SCREENSHOT_DIR, { recursive: true });
    await writeFile(join(SCREENSHOT_DIR, 'languages-german-kit-a4.pdf'), pdf);

    const pages = await readPdf(pdf);
    expect(pages).toHaveLength(1);
    const sheet = pages[0] ?? { text: '', codes: [] };
    const text = sheet.text.replace(/\s+/g, ' ');
    // Four weeks from today, as German writes a long date ("2. Januar 2027").
    const expiry = new Date(Date.now() + 28 * 86_400_000).toLocaleDateString('de', { dateStyle: 'long' });
    expect(text.match(/Willkommen bei garten\.test!/g)).toHaveLength(8);
    expect(text.match(/Apps, die gut funktionieren:/g)).toHaveLength(8);
    expect(text.match(new RegExp(`Gültig bis ${expiry.replace(/\./g, '\\.')}`, 'g'))).toHaveLength(8);
    for (const english of ['Welcome to', 'Valid until', 'Apps that work well', 'Does not expire']) expect(text).not.toContain(english);
    expect([...sheet.codes].sort()).toEqual([...links].sort());

    // The language is kept for this server with the kit's words, and comes back after a reload.
    await expect.poll(async () => (JSON.parse(await readFile(join(preview.home(), 'settings.json'), 'utf8')) as { servers: { printKit?: { language?: string } }[] }).servers[0]?.printKit?.language).toBe('de');
    await page.reload();
    await page.getByRole('tab', { name: 'Print kit' }).click();
    await expect.poll(() => page.getByLabel('Card language').inputValue()).toBe('de');
    await expect.poll(() => page.getByLabel('Welcome text').inputValue()).toContain('Willkommen bei garten.test!');
    expect(errors).toEqual([]);
  });
});
