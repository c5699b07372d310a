/**
 * Where the UI is served from inside Electron. The scheme is not one Node's
 * URL parser knows, so `origin` reads "null" there: compare protocol and host.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'invite-desk';
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && parsed.username === '' && parsed.password === '';
  } catch {
    return false;
  }
}
