import { join, normalize, sep } from 'node:path';

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

/**
 * The file an app:// request asks for, inside `rendererDir`, or why not:
 * `bad-request` for a URL that does not parse or decode, `not-found` for
 * another host, or a path that climbs out of the folder.
 */
export function appRequestFile(url: string, rendererDir: string): { file: string } | { refused: 'bad-request' | 'not-found' } {
  const parsed = URL.parse(url);
  if (!parsed) return { refused: 'bad-request' };
  if (!isAppUrl(url)) return { refused: 'not-found' };
  let path: string;
  try {
    path = decodeURIComponent(parsed.pathname);
  } catch {
    return { refused: 'bad-request' };
  }
  if (path.includes('\0')) return { refused: 'bad-request' };
  const file = normalize(join(rendererDir, path === '/' ? 'index.html' : path));
  return file.startsWith(rendererDir + sep) ? { file } : { refused: 'not-found' };
}
