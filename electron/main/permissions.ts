import { isAppUrl } from './app-origin';

/**
 * The only web permission the app's page gets: writing to the clipboard (the
 * Copy buttons). Everything else (camera, notifications from the page,
 * geolocation…) is refused, and nothing is granted to any other origin.
 */
const GRANTED = new Set(['clipboard-sanitized-write']);

export function permissionAllowed(permission: string, requestingUrl: string): boolean {
  return GRANTED.has(permission) && isAppUrl(requestingUrl);
}
