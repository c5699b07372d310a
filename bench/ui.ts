import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { runPreview } from '../electron/preview/run';
import { launchChromium } from '../test/helpers/browser';
import { connectThroughForm } from '../test/helpers/connect-ui';
import { startProsody, WITH_INVITE_DESK } from '../test/helpers/prosody';
import { median, ms, timed } from './lib';
import { signupHistory } from './signup-history';

const FEED = Number(process.env.BENCH_FEED ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

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
export async function benchUi(): Promise<string[]> {
  const admin = { username: 'admin', password: 'admin-password' };
  const server = await startProsody({ domain: 'bench-ui.test', admins: [admin], ...WITH_INVITE_DESK });
  await server.editHostData((hostDir) => writeFile(join(hostDir, 'invite_desk_events.list'), signupHistory(server.domain, FEED)));
  const home = await mkdtemp(join(tmpdir(), 'invite-desk-bench-ui-'));
  const preview = await runPreview({ home, port: 0 });
  const browser = await launchChromium();
  const lines: string[] = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(preview.server.url);
    const emptyHeap = await heapBytes(page);
    await connectThroughForm(page, server, admin);
    await page.getByRole('button', { name: new RegExp(`^Sign-ups\\s*${FEED}`) }).waitFor({ timeout: 120_000 });
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
    lines.push(`  dashboard first render: ${ms(median(dashboard))}, ${(median(dashboard) / median(staticFile)).toFixed(1)}x loading one static file (${ms(median(staticFile))})`);

    // The feed: open it, then scroll from top to bottom.
    const serverTab = await timed(async () => {
      await page.getByRole('button', { name: 'Server', exact: true }).click();
      await page.getByRole('list', { name: 'Available features' }).waitFor();
    });
    const openFeed = await timed(async () => {
      await page.getByRole('button', { name: /^Sign-ups/ }).click();
      await page.getByRole('list', { name: 'Sign-ups' }).getByRole('listitem').first().waitFor();
    });
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
    lines.push(`  feed of ${FEED} sign-ups: opens in ${ms(openFeed)} (${rendered} rows in the page), ${(openFeed / serverTab).toFixed(1)}x opening the Server tab (${ms(serverTab)})`);
    lines.push(`    scrolling top to bottom in 60 jumps: median ${ms(frames[30] ?? NaN)} per jump to the second frame after it (two frames of a 60 Hz screen are 33 ms); JS heap ${((fullHeap - emptyHeap) / 1e6).toFixed(1)} MB more than the empty app`);

    // Print kits: 100 cards against 10, and the PDF of each.
    await page.getByRole('button', { name: 'Print kit', exact: true }).click();
    await page.getByRole('heading', { name: 'Print kit' }).waitFor();
    const kit = async (cards: number): Promise<{ render: number; pdf: number }> => {
      await page.getByLabel('Cards', { exact: true }).fill(String(cards));
      const render = await timed(async () => {
        await page.getByRole('button', { name: `Create ${cards} cards` }).click();
        const images = page.locator('.sheets .card img');
        await images.nth(cards - 1).waitFor({ timeout: 120_000 });
        if ((await images.count()) !== cards) throw new Error(`expected ${cards} cards`);
      });
      const pdf = await timed(() => page.pdf({ format: 'A4', printBackground: true }));
      return { render, pdf };
    };
    const small = await kit(10);
    const large = await kit(100);
    lines.push(`  print kit, click to 100 cards rendered: ${ms(large.render)} (10 cards: ${ms(small.render)}, ${(large.render / small.render).toFixed(1)}x for 10x the cards)`);
    lines.push(`    PDF of 100 cards: ${ms(large.pdf)} (10 cards: ${ms(small.pdf)}, ${(large.pdf / small.pdf).toFixed(1)}x)`);
  } finally {
    await browser.close();
    await preview.stop();
    await server.stop();
    await rm(home, { recursive: true, force: true });
  }
  return lines;
}
