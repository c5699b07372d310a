import type { WebContents } from 'electron';
import { isAppUrl } from './app-origin';

/** The parts of Electron's WebContents the guard uses, so it can be tested in Node. */
export type GuardedContents = Pick<WebContents, 'setWindowOpenHandler' | 'on'>;

/** Only https links leave the app, and only to the system browser. */
export function externalLink(url: string): string | null {
  return URL.parse(url)?.protocol === 'https:' ? url : null;
}

/**
 * What any web contents of the app may do: stay on the app's own pages
 * (navigations and redirects elsewhere are stopped), open no window (an https
 * link goes to the system browser instead), and attach no webview.
 */
export function guardWebContents(contents: GuardedContents, openExternal: (url: string) => void): void {
  contents.setWindowOpenHandler(({ url }) => {
    const link = externalLink(url);
    if (link) openExternal(link);
    return { action: 'deny' };
  });
  const stayInApp = (event: { preventDefault(): void }, url: string): void => {
    if (!isAppUrl(url)) event.preventDefault();
  };
  contents.on('will-navigate', stayInApp);
  contents.on('will-redirect', stayInApp);
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
