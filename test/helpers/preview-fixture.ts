import { afterAll, beforeAll } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { runPreview, type RunningPreview } from '../../electron/preview/run';
import { collectPageErrors, launchChromium } from './browser';

export interface PreviewFixture {
  /** The preview's settings folder. */
  home(): string;
  /**
   * A new window on the preview, in its own browser context with clipboard access, and the page errors it collects.
   * `pixelRatio` 2 is a high-density screen: element screenshots then hold twice the pixels, as a phone's camera sees more.
   */
  open(colorScheme: 'light' | 'dark', height?: number, width?: number, pixelRatio?: number): Promise<{ page: Page; errors: string[] }>;
}

/**
 * The browser preview over a fresh settings folder, and Chromium to open it,
 * for the whole file: started before the first test and stopped after the last.
 */
export function previewFixture(name: string): PreviewFixture {
  let preview: RunningPreview | undefined;
  let browser: Browser | undefined;
  let home = '';
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), `invite-desk-e2e-${name}-`));
    [preview, browser] = await Promise.all([runPreview({ home, port: 0 }), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await preview?.stop();
    if (home) await rm(home, { recursive: true, force: true });
  });
  return {
    home: () => home,
    async open(colorScheme, height = 820, width = 1200, pixelRatio = 1) {
      if (!browser || !preview) throw new Error('the browser or the preview did not start');
      const context = await browser.newContext({ colorScheme, viewport: { width, height }, deviceScaleFactor: pixelRatio });
      await context.grantPermissions(['clipboard-read', 'clipboard-write']);
      const page = await context.newPage();
      const errors = collectPageErrors(page);
      await page.goto(preview.server.url);
      return { page, errors };
    },
  };
}
