import { rm } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { runPreview } from '../electron/preview/run';
import { launchChromium } from '../test/helpers/browser';
import { startProsody, type ProsodyServer } from '../test/helpers/prosody';
import { firstRun, profileFor, restartedService } from '../test/helpers/session';
import { median, ratioFigure, ROUNDS, rounds, timed, type BenchLine } from './lib';

const admin = { username: 'admin', password: 'admin-password' };

/** A settings folder in which `servers` are saved with their sealed sign-in keys, as after a first run of the app. */
async function savedServers(servers: readonly ProsodyServer[]): Promise<string> {
  return (await firstRun(servers.map((server) => ({ profile: profileFor(server, admin), password: admin.password })))).home;
}

/**
 * From starting the app (the preview host over `home`, which connects the
 * saved servers by itself) to a window on it showing every one online, with
 * no click: what an admin waits for after opening the app.
 */
async function startUp(browser: Browser, home: string, servers: number): Promise<number> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  let stop = (): Promise<void> => Promise.resolve();
  try {
    return await timed(async () => {
      const preview = await runPreview({ home, port: 0, service: restartedService(home) });
      stop = () => preview.stop();
      await page.goto(preview.server.url);
      // Checked at every frame, so that the wait adds no polling interval to the time.
      // A function, not source text: the app's CSP forbids evaluating strings. This file has no DOM types, hence the cast.
      const onlineDots = (count: number): boolean =>
        (globalThis as unknown as { document: { querySelectorAll(selector: string): { length: number } } }).document.querySelectorAll('nav[aria-label="Servers"] .dot.online').length === count;
      await page.waitForFunction(onlineDots, servers, { polling: 'raf', timeout: 60_000 });
    });
  } finally {
    await context.close();
    await stop();
  }
}

/** Five saved servers against one: saved servers connect at start in parallel, so five should take about as long. */
export async function benchStartUp(): Promise<BenchLine[]> {
  const servers = await Promise.all(Array.from({ length: 5 }, (_, i) => startProsody({ domain: `bench-start${i + 1}.test`, admins: [admin] })));
  const browser = await launchChromium();
  const homes: string[] = [];
  try {
    const [five, one] = await Promise.all([savedServers(servers), savedServers(servers.slice(0, 1))]);
    homes.push(five, one);
    const times = { five: [] as number[], one: [] as number[] };
    for (let i = 0; i < ROUNDS; i++) {
      times.one.push(await startUp(browser, one, 1));
      times.five.push(await startUp(browser, five, 5));
    }
    return [
      ratioFigure('app start to every saved server online in the window, 5 servers with saved keys (browser preview)', rounds(ROUNDS), median(times.five), 'the same with 1 saved server', median(times.one)),
    ];
  } finally {
    await browser.close();
    await Promise.all(servers.map((server) => server.stop()));
    await Promise.all(homes.map((home) => rm(home, { recursive: true, force: true })));
  }
}
