import type { HostInfo, PdfRequest } from '../../common/api';
import { AdminError } from '../../common/errors';
import type { NoUpdater, Updater } from './updates/update-policy';

/**
 * What the host (the Electron window or the browser preview) adds to the
 * service: printing, PDF, the unread badge, and what it can do of those.
 */
export interface HostShell {
  readonly kind: HostInfo['kind'];
  readonly version: string;
  readonly nativeNotifications: boolean;
  readonly nativePrinting: boolean;
  printPage(): Promise<void>;
  savePageAsPdf(request: PdfRequest): Promise<{ path: string } | null>;
  /** Saves a text file where the admin chooses (null when they cancel); absent where the page downloads it itself. */
  saveFile?(suggestedName: string, content: string): Promise<{ path: string } | null>;
  setUnreadCount(count: number): void;
  /** The release feed the app updates from, or why it has none. */
  readonly updater: Updater | NoUpdater;
}

/** The browser preview: the page prints with the browser's own dialog, which also saves PDFs. */
export function browserShell(version: string): HostShell {
  const printInBrowser = (): never => {
    throw new AdminError('feature-missing', "In the browser, print with the browser's own print dialog; it can also save a PDF.");
  };
  return {
    kind: 'browser',
    version,
    nativeNotifications: false,
    nativePrinting: false,
    printPage: () => Promise.resolve().then(printInBrowser),
    savePageAsPdf: () => Promise.resolve().then(printInBrowser),
    setUnreadCount: () => undefined,
    updater: {
      unavailable: 'The browser preview has no updater: it runs from a copy of the source. Update that copy (git pull, then npm ci) and start the preview again.',
    },
  };
}
