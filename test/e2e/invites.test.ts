import { describe, expect, it } from 'vitest';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { prosodyFixture } from '../helpers/fixtures';
import { prosodyFlavour, WITH_INVITE_DESK } from '../helpers/prosody';
import { registerAccount } from '../helpers/raw-register';
import { connectThroughForm } from '../helpers/connect-ui';
import { accessibilityViolations, screenshot, SCREENSHOT_DIR } from '../helpers/browser';
import { previewFixture } from '../helpers/preview-fixture';
import { decodeQr } from '../helpers/qr';
import { createInvites, signIn } from '../helpers/invite-desk-protocol';

const admin = { username: 'admin', password: 'admin-password' };
/** The studio's submit button, whatever count it starts from. */
const CREATE_BUTTON = /^Create (invite|\d+ invites)$/;

describe('invites, sign-ups and the ledger in the browser preview, with mod_invite_desk', () => {
  const prosody = prosodyFixture({ domain: 'studio.test', admins: [admin], ...WITH_INVITE_DESK });
  const preview = previewFixture('studio');
  const open = (colorScheme: 'light' | 'dark'): ReturnType<typeof preview.open> => preview.open(colorScheme, 900);

  async function check(page: Page, name: string): Promise<void> {
    await screenshot(page, name);
    expect(await accessibilityViolations(page), name).toEqual([]);
  }

  it('switches the policy, creates 3 invites whose QR codes carry their links, and follows one into the feed and the ledger', async () => {
    const server = prosody();
    const { page, errors } = await open('light');
    await connectThroughForm(page, server, admin);

    // Dashboard: opening asks first; then back to invite-only.
    const invitesOnly = page.getByRole('radio', { name: /Invite-only/ });
    await expect.poll(() => invitesOnly.isChecked()).toBe(true);
    await check(page, 'dashboard-light');
    await page.getByText('Anyone can create an account').click();
    const confirm = page.getByRole('dialog', { name: 'Open registration to everyone?' });
    await confirm.waitFor();
    await check(page, 'policy-confirm-light');
    await confirm.getByRole('button', { name: 'Open registration' }).click();
    await expect.poll(() => page.getByRole('radio', { name: /Open/ }).isChecked()).toBe(true);
    await page.getByText('Only people with an invite').click();
    await expect.poll(() => invitesOnly.isChecked()).toBe(true);

    // Invite studio.
    await page.getByRole('tab', { name: 'Create invites' }).click();
    await page.getByLabel('How many').fill('3');
    await page.getByLabel('Note').fill('e2e table');
    await page.getByRole('button', { name: 'Create 3 invites' }).click();
    const cards = page.getByRole('article');
    await expect.poll(() => cards.count()).toBe(3);
    await page.locator('img.qr').first().waitFor();
    await check(page, 'studio-light');

    const links = await cards.locator('code').allInnerTexts();
    expect(new Set(links).size).toBe(3);
    const first = cards.first();
    const link = links[0] ?? '';
    expect(link).toMatch(new RegExp(`^xmpp:${server.domain.replace('.', '\\.')}\\?register;preauth=[A-Za-z0-9_-]{24}$`));
    expect(decodeQr(await first.locator('img.qr').screenshot())).toBe(link);

    await first.getByRole('button', { name: 'Show full screen invite 1' }).click();
    const big = page.getByRole('dialog', { name: 'Invite 1, full screen' });
    await big.waitFor();
    expect(decodeQr(await big.locator('img').screenshot())).toBe(link);
    await check(page, 'studio-fullscreen-light');
    await big.getByRole('button', { name: 'Close' }).click();

    // Someone signs up with the first invite.
    const token = /preauth=([A-Za-z0-9_-]+)/.exec(link)?.[1];
    expect(await registerAccount({ port: server.c2sPort, domain: server.domain, username: 'newcomer', password: 'pw', ...(token ? { token } : {}) })).toEqual({ ok: true });
    const feedTab = page.getByRole('tab', { name: /Sign-ups/ });
    await expect.poll(() => feedTab.innerText(), { timeout: 20_000 }).toContain('1');
    await feedTab.click();
    await page.getByRole('list', { name: 'Sign-ups' }).getByRole('listitem').filter({ hasText: `newcomer@${server.domain}` }).waitFor();
    await check(page, 'feed-light');

    // The ledger shows that invite used by that account.
    await page.getByRole('tab', { name: 'Invites', exact: true }).click();
    const row = page.getByRole('row').filter({ hasText: 'newcomer' });
    await row.waitFor();
    expect(await row.innerText()).toContain('Used');
    expect(await row.innerText()).toContain('e2e table');
    await check(page, 'ledger-light');

    // Closed: a registration attempt is refused.
    await page.getByRole('tab', { name: 'Dashboard' }).click();
    await page.getByText('Nobody, not even with an invite').click();
    await expect.poll(() => page.getByRole('radio', { name: /Closed/ }).isChecked()).toBe(true);
    const secondToken = /preauth=([A-Za-z0-9_-]+)/.exec(links[1] ?? '')?.[1];
    const refused = await registerAccount({ port: server.c2sPort, domain: server.domain, username: 'latecomer', password: 'pw', ...(secondToken ? { token: secondToken } : {}) });
    expect(refused).toMatchObject({ ok: false, text: 'Registration on this server is closed' });
    await check(page, 'dashboard-closed-light');
    expect(errors).toEqual([]);
  });

  it('shows each screen in dark mode without accessibility problems', async () => {
    const server = prosody();
    const { page, errors } = await open('dark');
    await page.getByRole('heading', { name: server.domain, exact: true }).waitFor();
    await check(page, 'dashboard-dark');
    await page.getByText('Anyone can create an account').click();
    const confirm = page.getByRole('dialog', { name: 'Open registration to everyone?' });
    await confirm.waitFor();
    await check(page, 'policy-confirm-dark');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('tab', { name: 'Create invites', exact: true }).click();
    // The studio starts from the last batch's choices, so the count may be the earlier test's.
    await page.getByRole('button', { name: CREATE_BUTTON }).click();
    await page.getByRole('article').first().getByRole('button', { name: 'Show full screen invite 1' }).click();
    const big = page.getByRole('dialog', { name: 'Invite 1, full screen' });
    await big.waitFor();
    await check(page, 'studio-fullscreen-dark');
    await big.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('tab', { name: 'Dashboard' }).click();
    for (const [tab, name] of [['Create invites', 'studio-dark'], ['Print kit', 'print-kit-dark'], ['Invites', 'ledger-dark'], ['Sign-ups', 'feed-dark'], ['Server', 'server-dark']] as const) {
      await page.getByRole('tab', { name: tab, exact: tab !== 'Sign-ups' }).click();
      await page.getByRole('heading', { level: 2 }).first().waitFor();
      await check(page, name);
    }
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    await check(page, 'settings-dark');
    // The theme choice overrides the system's.
    expect(await page.getByRole('group', { name: 'Saved sign-ins' }).innerText()).toContain('The browser preview keeps sign-ins only until it stops.');
    await page.getByRole('radio', { name: 'Light' }).check();
    expect(await page.locator('html').getAttribute('data-theme')).toBe('light');
    await check(page, 'settings-light-override');
    // The choice is kept in the settings file, so it holds after a reload.
    await expect.poll(async () => JSON.parse(await readFile(join(preview.home(), 'settings.json'), 'utf8')) as unknown).toMatchObject({ preferences: { theme: 'light' } });
    await page.reload();
    await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe('light');
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('radio', { name: 'Same as the system' }).check();
    await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBeNull();
    expect(errors).toEqual([]);
  });

  it('lays out a print kit of 10 cards and saves it as a 2-page PDF', async () => {
    const server = prosody();
    const { page, errors } = await open('light');
    await page.getByRole('heading', { name: server.domain, exact: true }).waitFor();
    await page.getByRole('tab', { name: 'Print kit' }).click();
    await page.getByLabel('Cards').fill('10');
    await page.getByLabel('Welcome text').fill('Welcome to the studio.test garden club! Scan to join.');
    await page.getByRole('button', { name: 'Create 10 cards' }).click();
    const cards = page.getByLabel('Printable cards').locator('.card');
    await expect.poll(() => cards.count()).toBe(10);
    expect(await cards.first().innerText()).toContain('garden club');
    await check(page, 'print-kit-light');
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    await mkdir(SCREENSHOT_DIR, { recursive: true });
    await writeFile(join(SCREENSHOT_DIR, 'print-kit.pdf'), pdf);
    expect(pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)).toHaveLength(2);

    // The kit's words are kept for this server: they are there again after a reload.
    await expect.poll(async () => await readFile(join(preview.home(), 'settings.json'), 'utf8')).toContain('garden club');
    await page.reload();
    await page.getByRole('tab', { name: 'Print kit' }).click();
    await expect.poll(() => page.getByLabel('Welcome text').inputValue()).toBe('Welcome to the studio.test garden club! Scan to join.');
    expect(errors).toEqual([]);
  });

  it('works from the keyboard alone: reach a section, create an invite, print the pending ones', async () => {
    const server = prosody();
    const { page, errors } = await open('light');
    await page.getByRole('heading', { name: server.domain, exact: true }).waitFor();
    const focused = page.locator(':focus');
    const tabTo = async (name: string | RegExp): Promise<void> => {
      for (let i = 0; i < 60; i++) {
        await page.keyboard.press('Tab');
        const text = (await focused.textContent({ timeout: 1000 }).catch(() => null))?.trim() ?? '';
        if (typeof name === 'string' ? text === name : name.test(text)) return;
      }
      throw new Error(`Tab never reached "${name}"`);
    };
    // The sections are a tablist: Tab reaches the selected one, arrows the others.
    await tabTo('Dashboard');
    await page.keyboard.press('ArrowRight');
    await tabTo(CREATE_BUTTON);
    await page.keyboard.press('Enter');
    await page.getByRole('article').first().waitFor();

    await page.getByRole('tab', { name: 'Print kit', exact: true }).click();
    await page.getByRole('button', { name: 'Choose pending invites…' }).click();
    // The first box picks all of them; the next ones are the invites themselves.
    await page.getByRole('group', { name: 'Pending account invites to print' }).getByRole('checkbox').nth(1).check();
    await page.getByRole('button', { name: /^Make cards of 1 invite$/ }).click();
    await page.getByLabel('Printable cards').locator('.card').first().waitFor();
    expect(await page.getByLabel('Printable cards').locator('.card').count()).toBeGreaterThan(0);
    await page.getByRole('tab', { name: 'Dashboard' }).click();
    await expect.poll(() => page.getByText(/^pending invites?$/).locator('..').innerText()).toMatch(/^\d+/);
    await check(page, 'dashboard-pending-light');
    expect(errors).toEqual([]);
  });
});

describe('roles and account states in the browser preview, with mod_invite_desk', () => {
  const prosody = prosodyFixture({ domain: 'roles.test', admins: [admin], ...WITH_INVITE_DESK });
  const preview = previewFixture('roles');

  async function check(page: Page, name: string): Promise<void> {
    await screenshot(page, name);
    expect(await accessibilityViolations(page), name).toEqual([]);
  }

  it('asks before an Administrator invite, naming what it may do, and never carries the role to the next batch, not after a reload either; card, ledger and feed say the role', async () => {
    const server = prosody();
    const { page, errors } = await preview.open('light', 900);
    await connectThroughForm(page, server, admin);
    await page.getByRole('tab', { name: 'Create invites' }).click();
    const role = page.getByLabel('Role', { exact: true });
    await role.selectOption({ label: 'Administrator' });
    await page.getByLabel('Note').fill('for the new admin');
    await page.getByRole('button', { name: 'Create invite' }).click();
    const confirm = page.getByRole('dialog', { name: 'Create an invite that makes an account Administrator?' });
    await confirm.waitFor();
    expect(await confirm.innerText()).toContain("can change the server's settings, delete accounts and make other admins");
    await check(page, 'studio-role-confirm-light');
    await confirm.getByRole('button', { name: 'Create with the role Administrator' }).click();
    const card = page.getByRole('article').first();
    await card.getByText('Joins as Administrator').waitFor();
    // Back at the default in this view, with nothing of the admin invite kept for next time.
    await expect.poll(() => role.inputValue()).toBe('');
    await check(page, 'studio-role-card-light');
    const adminLink = await card.locator('code').innerText();

    await page.reload();
    await page.getByRole('tab', { name: 'Create invites' }).click();
    await expect.poll(() => page.getByLabel('Role', { exact: true }).inputValue()).toBe('');
    await page.getByRole('button', { name: 'Create invite' }).click();
    const plainCard = page.getByRole('article').first();
    await plainCard.locator('code').waitFor();
    expect(await plainCard.innerText()).not.toContain('Joins as');
    expect(await page.getByRole('dialog').count()).toBe(0);
    const plainLink = await plainCard.locator('code').innerText();

    const token = (link: string): string => /preauth=([A-Za-z0-9_-]+)/.exec(link)?.[1] ?? '';
    expect(await registerAccount({ port: server.c2sPort, domain: server.domain, username: 'boss', password: 'pw', token: token(adminLink) })).toEqual({ ok: true });
    expect(await registerAccount({ port: server.c2sPort, domain: server.domain, username: 'plain', password: 'pw', token: token(plainLink) })).toEqual({ ok: true });
    await page.getByRole('tab', { name: /Sign-ups/ }).click();
    const signups = page.getByRole('list', { name: 'Sign-ups' });
    await signups.getByRole('listitem').filter({ hasText: `boss@${server.domain}` }).getByText('Joined as Administrator').waitFor();
    expect(await signups.getByRole('listitem').filter({ hasText: `plain@${server.domain}` }).innerText()).not.toContain('Joined as');

    await page.getByRole('tab', { name: 'Invites', exact: true }).click();
    await page.getByLabel('Role', { exact: true }).selectOption({ label: 'Administrator' });
    await expect.poll(() => page.getByRole('row').count()).toBe(2);
    expect(await page.getByRole('row').nth(1).innerText()).toContain('Role: Administrator');
    await check(page, 'ledger-role-filter-light');
    expect(errors).toEqual([]);
  });

  it(`shows what became of accounts as the server says, after a reload too: ${prosodyFlavour().version === '13' ? 'disabled and enabled again, and ' : ''}deleted`, async () => {
    const server = prosody();
    const session = await signIn(server, admin, 'e2e');
    const made = await createInvites(session, { count: 2 }).finally(() => session.stop());
    for (const [i, name] of ['noisy', 'spammer'].entries()) {
      expect(await registerAccount({ port: server.c2sPort, domain: server.domain, username: name, password: 'pw', token: made[i]?.token ?? '' })).toEqual({ ok: true });
    }
    const { page, errors } = await preview.open('light', 900);
    await page.getByRole('heading', { name: server.domain, exact: true }).waitFor();
    const feed = async (): Promise<void> => {
      await page.getByRole('tab', { name: /Sign-ups/ }).click();
      await page.getByRole('list', { name: 'Sign-ups' }).getByRole('listitem').filter({ hasText: `spammer@${server.domain}` }).waitFor();
    };
    const row = (name: string) => page.getByRole('list', { name: 'Sign-ups' }).getByRole('listitem').filter({ hasText: `${name}@${server.domain}` });
    await feed();
    if (server.version === '13') {
      await row('noisy').getByRole('button', { name: /^Disable/ }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Disable account' }).click();
      await row('noisy').getByText('Disabled', { exact: true }).waitFor();
      await page.reload();
      await feed();
      await row('noisy').getByText('Disabled', { exact: true }).waitFor();
      await check(page, 'feed-disabled-light');
      await row('noisy').getByRole('button', { name: /^Enable/ }).click();
      await page.getByRole('status').filter({ hasText: `noisy@${server.domain} was enabled again.` }).waitFor();
      expect(await row('noisy').getByText('Disabled', { exact: true }).count()).toBe(0);
    }
    await row('spammer').getByRole('button', { name: /^Delete/ }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete account' }).click();
    await row('spammer').getByText('Deleted', { exact: true }).waitFor();
    await page.reload();
    await feed();
    await row('spammer').getByText('Deleted', { exact: true }).waitFor();
    expect(await row('spammer').getByRole('button').count()).toBe(0);
    await check(page, 'feed-deleted-light');
    expect(errors).toEqual([]);
  });
});

describe('the ledger of a server that keeps spent invites for 0 days', () => {
  const prosody = prosodyFixture({ domain: 'forgetful.test', admins: [admin], ...WITH_INVITE_DESK, extraConfig: 'invite_desk_ledger_days = 0' });
  const preview = previewFixture('forgetful');

  it('says, after Remove expired, which used invites the ledger let go of with them', async () => {
    const server = prosody();
    // A reusable invite valid for a second, used once: it stays in the ledger, as expired, until it is removed.
    const session = await signIn(server, admin, 'e2e');
    const [invite] = await createInvites(session, { note: 'spent and expired', maxUses: 0, expires: 1 }).finally(() => session.stop());
    expect(await registerAccount({ port: server.c2sPort, domain: server.domain, username: 'spender', password: 'pw', token: invite?.token ?? '' })).toEqual({ ok: true });

    const { page, errors } = await preview.open('dark', 900);
    await connectThroughForm(page, server, admin);
    const row = page.getByRole('row').filter({ hasText: 'spent and expired' });
    await expect
      .poll(async () => {
        await page.getByRole('tab', { name: 'Dashboard' }).click();
        await page.getByRole('tab', { name: 'Invites', exact: true }).click();
        return row.innerText({ timeout: 5_000 }).catch(() => '');
      }, { timeout: 20_000 })
      .toContain('Expired');
    await page.getByRole('button', { name: 'Remove expired' }).click();
    await page.getByRole('dialog', { name: 'Remove 1 expired invite?' }).getByRole('button', { name: 'Remove' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'Removed 1 expired invite from the server. The ledger let go of 1 invite last used, revoked or expired more than 0 days ago.' })
      .waitFor();
    await expect.poll(() => row.count()).toBe(0);
    await screenshot(page, 'ledger-forgotten-dark');
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
