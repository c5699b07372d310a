import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { RENDERER_DIR, runPreview } from '../electron/preview/run';
import { startPreviewServer, type PreviewServer } from '../electron/preview/server';
import { launchChromium } from '../test/helpers/browser';
import { connectThroughForm } from '../test/helpers/connect-ui';
import { startProsody, WITH_INVITE_DESK } from '../test/helpers/prosody';
import { median, ms, ratioFigure, ROUNDS, timed, rounds, type BenchLine } from './lib';
import { signupHistory } from './signup-history';

const FEED = Number(process.env.BENCH_FEED ?? 10_000);
const JUMPS = 60;
/** A page load is cheap, and one paint on a shared machine swings by tens of milliseconds: the paint rows take at least 9. */
const PAINT_ROUNDS = Math.max(ROUNDS, 9);

/**
 * Run in the page before its own scripts: marks the dashboard's first heading
 * for Element Timing as it is inserted, and keeps when it was painted.
 */
const PAINT_OF_DASHBOARD = `
  new MutationObserver(() => {
    for (const heading of document.querySelectorAll('h2')) if (heading.textContent.trim() === 'Registration') heading.setAttribute('elementtiming', 'dashboard');
    for (const choice of document.querySelectorAll('.segment.checked .label')) choice.setAttribute('elementtiming', 'policy');
  }).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['class'] });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.identifier === 'dashboard') window.inviteDeskDashboardPainted ??= entry.renderTime || entry.loadTime;
      if (entry.identifier === 'policy') window.inviteDeskPolicyPainted ??= entry.renderTime || entry.loadTime;
    }
  }).observe({ type: 'element', buffered: true });`;

/** When the page painted what PAINT_OF_DASHBOARD keeps under `mark`, by the page's clock, once it has. */
async function paintedAt(page: Page, mark: 'inviteDeskDashboardPainted' | 'inviteDeskPolicyPainted'): Promise<number> {
  await page.waitForFunction((name) => (globalThis as unknown as Record<string, unknown>)[name] !== undefined, mark);
  return page.evaluate<number, string>((name) => (globalThis as unknown as Record<string, number>)[name] ?? Number.NaN, mark);
}

async function heapBytes(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  return metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? Number.NaN;
}

/**
 * What the window's JS heap grows by to hold a server's sign-ups: a new window
 * opens the empty app (no servers) and then the app whose server holds them,
 * and waits until the dashboard counts them all.
 */
async function heapForSignups(browser: Browser, emptyApp: string, fullApp: string): Promise<number> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    await page.goto(emptyApp);
    await page.getByRole('heading', { name: 'Connect to a server' }).waitFor();
    const before = await heapBytes(page);
    await page.goto(fullApp);
    await page.locator('.stat', { hasText: 'since Invite Desk connected' }).getByText(String(FEED), { exact: true }).waitFor({ timeout: 120_000 });
    return (await heapBytes(page)) - before;
  } finally {
    await context.close();
  }
}

/**
 * The floor under the first render: a copy of the built page whose `#app`
 * holds the frame the app kept of its dashboard, written into the HTML, with
 * the same styles and no script, served by a preview host of its own in this
 * process. Its heading's paint is what this machine takes to show that first
 * screen at all. (The frame's one style attribute, the sidebar's width, which
 * the app sets through the CSSOM, is left out: the page's policy refuses it.)
 */
async function framePage(app: Page, previewOf: (rendererDir: string) => Promise<PreviewServer>): Promise<{ server: PreviewServer; dir: string }> {
  const kept = await app.evaluate<string | null>("localStorage.getItem('invite-desk.kept-frame')");
  if (kept === null) throw new Error('the app kept no frame of its dashboard');
  const { html } = JSON.parse(kept) as { html: string };
  const dir = await mkdtemp(join(tmpdir(), 'invite-desk-bench-frame-'));
  await cp(RENDERER_DIR, dir, { recursive: true });
  const page = (await readFile(join(RENDERER_DIR, 'index.html'), 'utf8'))
    .replace(/\s*<script\b[^>]*><\/script>/g, '')
    .replace(/\s*<link rel="modulepreload"[^>]*>/g, '')
    .replace('<div id="app"></div>', `<div id="app">${html.replace(/ data-kept-style="[^"]*"/g, '')}</div>`);
  await writeFile(join(dir, 'frame.html'), page);
  return { server: await previewOf(dir), dir };
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
  const emptyHome = await mkdtemp(join(tmpdir(), 'invite-desk-bench-empty-'));
  const [preview, empty] = await Promise.all([runPreview({ home, port: 0 }), runPreview({ home: emptyHome, port: 0 })]);
  const browser = await launchChromium();
  const lines: BenchLine[] = [];
  let floorServer: PreviewServer | undefined;
  let floorDir = '';
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(preview.server.url);
    await connectThroughForm(page, server, admin);
    // The section tab's name counts what is new: "Sign-ups, 10000 new".
    await page.getByRole('tab', { name: new RegExp(`^Sign-ups\\W+${FEED} new$`) }).waitFor({ timeout: 120_000 });

    // First render of the dashboard of a connected server, against loading a static file from the same host
    // and against painting the same first screen from a page that holds it with no script: all timed by the
    // page's own clock from the start of its navigation, so that no polling from here adds to any.
    const origin = new URL(preview.server.url).origin;
    const floor = await framePage(page, (rendererDir) => startPreviewServer({ port: 0, rendererDir, api: preview.service }));
    floorDir = floor.dir;
    floorServer = floor.server;
    // Its host's cookie, for this browser context, comes with the address that carries the token.
    const admitted = await context.newPage();
    await admitted.goto(floor.server.url);
    await admitted.close();
    const dashboard: number[] = [];
    const policyShown: number[] = [];
    const staticFile: number[] = [];
    const framePainted: number[] = [];
    // Each page is the second in a tab of its own, after the static file: a page measured after another
    // in the same tab would find the renderer's fonts and styles already loaded by the one before.
    const afterStaticFile = async (): Promise<Page> => {
      const tab = await context.newPage();
      await tab.goto(`${origin}/icon.svg`);
      staticFile.push(await tab.evaluate<number>(`performance.getEntriesByType('navigation')[0].loadEventEnd`));
      await tab.addInitScript(PAINT_OF_DASHBOARD);
      return tab;
    };
    for (let i = 0; i < PAINT_ROUNDS; i++) {
      const scriptless = await afterStaticFile();
      await scriptless.goto(`${new URL(floor.server.url).origin}/frame.html`);
      framePainted.push(await paintedAt(scriptless, 'inviteDeskDashboardPainted'));
      await scriptless.close();
      const app = await afterStaticFile();
      await app.goto(origin);
      dashboard.push(await paintedAt(app, 'inviteDeskDashboardPainted'));
      // The switch fills in when the server has answered: the dashboard is complete.
      policyShown.push(await paintedAt(app, 'inviteDeskPolicyPainted'));
      await app.close();
    }
    lines.push(ratioFigure('dashboard first render: navigation to its heading painted (Chromium, browser preview)', rounds(PAINT_ROUNDS), median(dashboard), `navigation to the load of one static file from the same host (${staticFile.length} loads)`, median(staticFile)));
    lines.push(ratioFigure('the same first render, against the page that holds that first screen', rounds(PAINT_ROUNDS), median(dashboard), 'navigation to its heading painted in a page holding the frame the app kept, with no script', median(framePainted)));
    lines.push(ratioFigure('dashboard complete: navigation to the policy the server answered painted', rounds(PAINT_ROUNDS), median(policyShown), `navigation to the load of one static file from the same host (${staticFile.length} loads)`, median(staticFile)));

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
    // Two frames are timed in the same page first, the same way but without a jump: the baseline is this
    // browser's frame rate on this machine now, not a number typed in.
    const scroll = await page.evaluate<{ idle: number[]; jumps: number[] }>(`(async () => {
      const scroller = document.querySelector('.scroller');
      if (!scroller) return { idle: [], jumps: [] };
      const twoFrames = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
      const idle = [];
      for (let i = 0; i < ${JUMPS}; i++) {
        const before = performance.now();
        await twoFrames();
        idle.push(performance.now() - before);
      }
      const jumps = [];
      for (let step = 1; step <= ${JUMPS}; step++) {
        const before = performance.now();
        scroller.scrollTop = (scroller.scrollHeight * step) / ${JUMPS};
        await twoFrames();
        jumps.push(performance.now() - before);
      }
      return { idle, jumps };
    })()`);
    const feed = FEED.toLocaleString('en');
    lines.push({ what: `opening the feed with ${feed} sign-ups`, rounds: rounds(ROUNDS), result: `${ms(median(openFeed))}, ${rendered} rows in the page`, baseline: `opening the Server tab: ${ms(median(serverTab))}` });
    lines.push({
      what: `scrolling that feed top to bottom in ${JUMPS} jumps, each to the second frame after it`,
      rounds: `${JUMPS} jumps; the frames ${JUMPS} times`,
      result: `${ms(median(scroll.jumps))} per jump`,
      baseline: `two frames in the same page, without a jump: ${ms(median(scroll.idle))}`,
    });

    // Memory: each round a fresh window on the empty app, then on the app holding the sign-ups.
    const heaps: number[] = [];
    for (let i = 0; i < ROUNDS; i++) heaps.push(await heapForSignups(browser, empty.server.url, preview.server.url));
    lines.push({ what: `memory for those ${feed} sign-ups`, rounds: `${rounds(ROUNDS)}, each after a garbage collection`, result: `${(median(heaps) / 1e6).toFixed(1)} MB of JS heap`, baseline: 'the empty app, in the same window' });

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
    await floorServer?.close();
    if (floorDir) await rm(floorDir, { recursive: true, force: true });
    await Promise.all([preview.stop(), empty.stop()]);
    await server.stop();
    await Promise.all([rm(home, { recursive: true, force: true }), rm(emptyHome, { recursive: true, force: true })]);
  }
  return lines;
}
