import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { runPreview } from '../electron/preview/run';
import { launchChromium } from '../test/helpers/browser';
import { connectThroughForm } from '../test/helpers/connect-ui';
import { startProsody, WITH_INVITE_DESK } from '../test/helpers/prosody';
import { median, ms, ratioFigure, ROUNDS, timed, rounds, type BenchLine } from './lib';
import { signupHistory } from './signup-history';

const FEED = Number(process.env.BENCH_FEED ?? 10_000);

async function heapBytes(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  return metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? Number.NaN;
}

/**
 * The UI in Chromium against a real Prosody: the dashboard's first render, a
 * feed of 10,000 sign-ups (render, scroll, memory) and a print kit of 100
 * cards (render and PDF), each next to a baseline from the same run.
 */
export async function benchUi(): Promise<BenchLine[]> {
  const admin = { username: 'admin', password: 'admin-password' };
  const server = await startProsody({ domain: 'bench-ui.test', admins: [admin], ...WITH_INVITE_DESK });
  await server.editHostData((hostDir) => writeFile(join(hostDir, 'invite_desk_events.list'), signupHistory(server.domain, FEED)));
  const home = await mkdtemp(join(tmpdir(), 'invite-desk-bench-ui-'));
  const preview = await runPreview({ home, port: 0 });
  const browser = await launchChromium();
  const lines: BenchLine[] = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(preview.server.url);
    const emptyHeap = await heapBytes(page);
    await connectThroughForm(page, server, admin);
    // The section tab's name counts what is new: "Sign-ups, 10000 new".
    await page.getByRole('tab', { name: new RegExp(`^Sign-ups\\W+${FEED} new$`) }).waitFor({ timeout: 120_000 });
    const fullHeap = await heapBytes(page);

    // First render of the dashboard of a connected server, against fetching a static file from the same host.
    const origin = new URL(preview.server.url).origin;
    const dashboard: number[] = [];
    const staticFile: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const other = await context.newPage();
      staticFile.push(await timed(() => other.goto(`${origin}/icon.svg`)));
      dashboard.push(await timed(async () => {
        await other.goto(origin);
        await other.getByRole('heading', { name: 'Registration' }).waitFor();
      }));
      await other.close();
    }
    lines.push(ratioFigure('dashboard first render (Chromium, browser preview)', rounds(ROUNDS), median(dashboard), 'loading one static file from the same host', median(staticFile)));

    // The feed: open it (from the Server tab, which takes the feed off the page), then scroll from top to bottom.
    const feedList = page.getByRole('list', { name: 'Sign-ups' });
    const serverTab: number[] = [];
    const openFeed: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      serverTab.push(await timed(async () => {
        await page.getByRole('tab', { name: 'Server', exact: true }).click();
        await page.getByRole('list', { name: 'Available features' }).waitFor();
      }));
      await feedList.waitFor({ state: 'detached' });
      openFeed.push(await timed(async () => {
        await page.getByRole('tab', { name: /^Sign-ups/ }).click();
        await feedList.getByRole('listitem').first().waitFor();
      }));
    }
    const rendered = await page.getByRole('list', { name: 'Sign-ups' }).getByRole('listitem').count();
    // Runs in the page; kept as source text because this file is compiled without the DOM's types.
    const scroll = await page.evaluate<{ frames: number[]; total: number }>(`(async () => {
      const scroller = document.querySelector('.scroller');
      if (!scroller) return { frames: [], total: 0 };
      const frames = [];
      const start = performance.now();
      for (let step = 1; step <= 60; step++) {
        const before = performance.now();
        scroller.scrollTop = (scroller.scrollHeight * step) / 60;
        await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
        frames.push(performance.now() - before);
      }
      return { frames, total: performance.now() - start };
    })()`);
    const frames = [...scroll.frames].sort((a, b) => a - b);
    const feed = FEED.toLocaleString('en');
    lines.push({ what: `opening the feed with ${feed} sign-ups`, rounds: rounds(ROUNDS), result: `${ms(median(openFeed))}, ${rendered} rows in the page`, baseline: `opening the Server tab: ${ms(median(serverTab))}` });
    lines.push({ what: 'scrolling that feed top to bottom in 60 jumps, each to the second frame after it', rounds: '60 jumps', result: `${ms(frames[30] ?? NaN)} per jump`, baseline: 'two frames at 60 Hz: 33 ms' });
    lines.push({ what: `memory for those ${feed} sign-ups`, rounds: '1 measurement, after a garbage collection', result: `${((fullHeap - emptyHeap) / 1e6).toFixed(1)} MB of JS heap`, baseline: 'the empty app' });

    // Print kits: 100 cards against 10, and the PDF of each, each kit on a page of its own (cards add up on one page).
    const kit = async (cards: number): Promise<{ render: number; pdf: number }> => {
      const other = await context.newPage();
      try {
        await other.goto(origin);
        await other.getByRole('tab', { name: 'Print kit', exact: true }).click();
        await other.getByRole('heading', { name: 'Print kit' }).waitFor();
        await other.getByLabel('Cards', { exact: true }).fill(String(cards));
        const render = await timed(async () => {
          await other.getByRole('button', { name: `Create ${cards} cards` }).click();
          const images = other.locator('.sheets .card img');
          await images.nth(cards - 1).waitFor({ timeout: 120_000 });
          if ((await images.count()) !== cards) throw new Error(`expected ${cards} cards`);
        });
        const pdf = await timed(() => other.pdf({ format: 'A4', printBackground: true }));
        return { render, pdf };
      } finally {
        await other.close();
      }
    };
    const kits = { small: [] as { render: number; pdf: number }[], large: [] as { render: number; pdf: number }[] };
    for (let i = 0; i < ROUNDS; i++) {
      kits.small.push(await kit(10));
      kits.large.push(await kit(100));
    }
    const of = (list: { render: number; pdf: number }[], part: 'render' | 'pdf'): number => median(list.map((k) => k[part]));
    lines.push(ratioFigure('print kit, click to 100 cards rendered', rounds(ROUNDS), of(kits.large, 'render'), '10 cards', of(kits.small, 'render')));
    lines.push(ratioFigure('PDF of those 100 cards (`page.pdf`)', rounds(ROUNDS), of(kits.large, 'pdf'), '10 cards', of(kits.small, 'pdf')));
  } finally {
    await browser.close();
    await preview.stop();
    await server.stop();
    await rm(home, { recursive: true, force: true });
  }
  return lines;
}
