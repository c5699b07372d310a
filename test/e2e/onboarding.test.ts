import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { prosodyFixture } from '../helpers/fixtures';
import { WITH_INVITE_DESK } from '../helpers/prosody';
import { signUp } from '../helpers/raw-register';
import { connectThroughForm } from '../helpers/connect-ui';
import { accessibilityViolations, screenshot, SCREENSHOT_DIR } from '../helpers/browser';
import { previewFixture } from '../helpers/preview-fixture';
import { signIn } from '../helpers/invite-desk-protocol';
import { createClubRooms, createRoom, destroyRoom } from '../helpers/rooms';

const admin = { username: 'admin', password: 'admin-password' };
const moderator = { username: 'moderator', password: 'moderator-password' };

describe('rooms, contacts and a welcome for new members, in the browser preview', () => {
  const prosody = prosodyFixture({ domain: 'chess.test', admins: [admin], users: [moderator], rooms: true, ...WITH_INVITE_DESK });
  const preview = previewFixture('onboarding');

  beforeAll(async () => {
    const owner = await signIn(prosody(), admin, 'rooms');
    try {
      await createClubRooms(owner, prosody().conference ?? '', 'Chess evening');
    } finally {
      await owner.stop();
    }
  });

  async function check(page: Page, name: string): Promise<void> {
    await screenshot(page, name);
    expect(await accessibilityViolations(page), name).toEqual([]);
  }

  /** The token of the first invite card's link. */
  async function firstToken(page: Page): Promise<string> {
    const link = await page.getByRole('article').first().locator('code').innerText();
    const token = /preauth=([A-Za-z0-9_-]+)/.exec(link)?.[1];
    if (!token) throw new Error(`no token in ${link}`);
    return token;
  }

  it('sets the defaults, picks rooms in the studio and the print kit, and shows what a newcomer got in the feed', async () => {
    const server = prosody();
    const { page, errors } = await preview.open('light', 900);
    await connectThroughForm(page, server, admin);

    // The server's defaults: General, the moderator, and a welcome.
    await page.getByRole('tab', { name: 'New members' }).click();
    await page.getByLabel('Community name').fill('Chess Club');
    const defaults = page.getByRole('group', { name: 'Rooms to join' });
    await defaults.getByRole('checkbox', { name: /General/ }).check();
    await page.getByLabel('Add a contact').fill('moderator');
    await page.getByRole('button', { name: 'Add contact' }).click();
    await page.getByLabel('Welcome message').fill('Welcome to {community}, {name}! Say hello in #general.');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved. New members get these from now on').waitFor();
    await check(page, 'onboarding-defaults-light');

    // The studio: the defaults, and Chess on top for these invites.
    await page.getByRole('tab', { name: 'Create invites' }).click();
    await page.getByText('(#general · 1 contact · a welcome)').waitFor();
    await page.getByRole('radio', { name: 'Rooms, contacts and a welcome for these invites' }).check();
    const studioRooms = page.getByRole('group', { name: 'Rooms to join' });
    await expect.poll(() => studioRooms.getByRole('checkbox', { name: /General/ }).isChecked()).toBe(true);
    await studioRooms.getByRole('checkbox', { name: /Chess evening/ }).check();
    expect(await studioRooms.innerText()).toContain('members-only');
    await page.getByRole('combobox', { name: 'Sent from' }).selectOption({ label: `you (admin@${server.domain})` });
    await page.getByRole('button', { name: /^Create (invite|\d+ invites)$/ }).click();
    await page.getByRole('article').first().waitFor();
    await check(page, 'studio-onboarding-light');
    // The picker in a small window: nothing runs off the side.
    await page.setViewportSize({ width: 900, height: 600 });
    await page.getByRole('group', { name: 'Rooms to join' }).scrollIntoViewIfNeeded();
    await check(page, 'studio-onboarding-900x600');
    expect(await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await page.setViewportSize({ width: 1280, height: 800 });

    // A newcomer signs up with it; the feed says what they got.
    expect(await signUp(server, 'newcomer', await firstToken(page))).toEqual({ ok: true });
    await page.getByRole('tab', { name: /Sign-ups/ }).click();
    const entry = page.getByRole('list', { name: 'Sign-ups' }).getByRole('listitem').filter({ hasText: `newcomer@${server.domain}` });
    await entry.waitFor();
    await expect.poll(() => entry.innerText()).toContain('joined #general, #chess · 1 contact · welcomed');
    await check(page, 'feed-onboarding-light');

    // The ledger's used invite says the same.
    await page.getByRole('tab', { name: 'Invites', exact: true }).click();
    // The ledger names accounts of the server by their name alone.
    const row = page.getByRole('row').filter({ hasText: 'newcomer' });
    await expect.poll(() => row.innerText()).toContain('joined #general, #chess · 1 contact · welcomed');

    // The print kit: Chess only, printed on each card.
    await page.getByRole('tab', { name: 'Print kit' }).click();
    await page.getByLabel('Cards').fill('4');
    await page.getByRole('radio', { name: 'Rooms, contacts and a welcome for this kit' }).check();
    const kitRooms = page.getByRole('group', { name: 'Rooms to join' });
    await expect.poll(() => kitRooms.getByRole('checkbox', { name: /General/ }).isChecked()).toBe(true);
    await kitRooms.getByRole('checkbox', { name: /General/ }).uncheck();
    await kitRooms.getByRole('checkbox', { name: /Chess evening/ }).check();
    await page.getByRole('button', { name: 'Create 4 cards' }).click();
    const card = page.getByLabel('Printable cards').locator('.card').first();
    await card.waitFor();
    expect(await card.innerText()).toContain('You join #chess.');
    await check(page, 'print-kit-onboarding-light');
    // One card as the printer gets it.
    await page.emulateMedia({ media: 'print' });
    await card.screenshot({ path: join(SCREENSHOT_DIR, 'printed-card.png') });
    await page.emulateMedia({ media: 'screen' });
    expect(errors).toEqual([]);
  });

  it('warns before saving an invite whose room no longer exists, and saves once it is left out', async () => {
    const server = prosody();
    const doomed = `doomed@${server.conference}`;
    const owner = await signIn(server, admin, 'doom');
    try {
      await createRoom(owner, doomed, { name: 'Doomed' });
      const { page, errors } = await preview.open('dark', 900);
      await page.getByRole('heading', { name: server.domain, exact: true }).waitFor();
      await page.getByRole('tab', { name: 'Create invites' }).click();
      await page.getByRole('radio', { name: 'Rooms, contacts and a welcome for these invites' }).check();
      await page.getByRole('group', { name: 'Rooms to join' }).getByRole('checkbox', { name: /Doomed/ }).check();
      await destroyRoom(owner, doomed);
      await page.getByRole('button', { name: /^Create (invite|\d+ invites)$/ }).click();
      const warning = page.getByRole('alert').filter({ hasText: '#doomed no longer exists' });
      await warning.waitFor();
      expect(await page.getByRole('article').count()).toBe(0);
      await check(page, 'studio-room-gone-dark');
      await warning.getByRole('button', { name: 'Leave out #doomed' }).click();
      await page.getByRole('button', { name: /^Create (invite|\d+ invites)$/ }).click();
      await page.getByRole('article').first().waitFor();
      await check(page, 'studio-onboarding-dark');

      for (const [tab, name] of [['Sign-ups', 'feed-onboarding-dark'], ['New members', 'onboarding-defaults-dark']] as const) {
        await page.getByRole('tab', { name: tab === 'Sign-ups' ? /Sign-ups/ : tab }).click();
        await page.getByRole('heading', { level: 2 }).first().waitFor();
        if (tab === 'Sign-ups') await page.getByText('joined #general, #chess · 1 contact · welcomed').first().waitFor();
        await check(page, name);
      }
      await page.getByRole('tab', { name: 'Print kit' }).click();
      await page.getByLabel('Cards').fill('4');
      await page.getByRole('button', { name: 'Create 4 cards' }).click();
      await page.getByLabel('Printable cards').locator('.card').first().waitFor();
      await check(page, 'print-kit-onboarding-dark');
      expect(errors).toEqual([]);
    } finally {
      await owner.stop();
    }
  });
});

describe('new members on stock Prosody, in the browser preview', () => {
  const prosody = prosodyFixture({ domain: 'stock-club.test', admins: [admin], rooms: true });
  const preview = previewFixture('onboarding-stock');

  it('says what needs the module, and gives the closest server-wide config for the server’s version', async () => {
    const server = prosody();
    const { page, errors } = await preview.open('light', 900);
    await connectThroughForm(page, server, admin);
    await page.getByRole('tab', { name: 'New members' }).click();
    await page.getByText('sudo apt-get install -y prosody-modules').waitFor();
    expect(await page.getByText(/default_bookmarks = \{/).innerText()).toContain('welcome_message');
    await screenshot(page, 'onboarding-stock-light');
    expect(await accessibilityViolations(page)).toEqual([]);
    // The studio offers no rooms without the module.
    await page.getByRole('tab', { name: 'Create invites' }).click();
    expect(await page.getByText('What new members get').count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
