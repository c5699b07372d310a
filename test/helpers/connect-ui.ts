import type { Page } from 'playwright-core';
import type { Account, ProsodyServer } from './prosody';

/** Fills the connect form for `account` on `server` and submits it; the trust dialog comes next. */
export async function submitConnectForm(page: Page, server: ProsodyServer, account: Account): Promise<void> {
  await page.getByLabel('Admin account').fill(`${account.username}@${server.domain}`);
  await page.getByLabel('Password').fill(account.password);
  await page.getByLabel('Server address (optional)').fill(`127.0.0.1:${server.c2sPort}`);
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
}

/** Connects the app on `page` to `server` through the connect form, trusting its self-signed certificate. */
export async function connectThroughForm(page: Page, server: ProsodyServer, account: Account): Promise<void> {
  await submitConnectForm(page, server, account);
  await page.getByRole('dialog').getByRole('button', { name: 'Trust and connect' }).click();
  await page.getByRole('heading', { name: server.domain, exact: true }).waitFor();
}
