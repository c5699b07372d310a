import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Registration } from '../../common/api';
import { AdminError } from '../../common/errors';
import { createSignupNotifier, type SignupNotice } from '../../common/signup-notifier';
import { applicationMenuTemplate } from '../../electron/main/menu';
import { permissionAllowed } from '../../electron/main/permissions';
import { printContents, savePdf, type PrintableContents } from '../../electron/main/printing';
import { MIN_SIZE, restoreBounds, windowStateOf } from '../../electron/main/window-state';
import { quitAfterShutdown } from '../../electron/main/quit';

/**
 * The main process's own logic, behind the small interfaces it is given
 * (Electron itself cannot start on every machine the tests run on).
 */

const screens = {
  laptop: { x: 0, y: 0, width: 1440, height: 875 },
  rightMonitor: { x: 1440, y: 0, width: 2560, height: 1415 },
};

describe('window bounds', () => {
  it('opens where it was when that place is still on a screen, at a size that fits that screen', () => {
    const saved = { x: 1600, y: 100, width: 2000, height: 1300, maximized: false };
    expect(restoreBounds(saved, [screens.laptop, screens.rightMonitor])).toEqual({ ...saved });
  });

  it('comes back to the primary screen when the monitor it was on is gone, shrunk to fit', () => {
    const saved = { x: 1600, y: 100, width: 2000, height: 1300, maximized: true };
    expect(restoreBounds(saved, [screens.laptop])).toEqual({ x: 0, y: 0, width: 1440, height: 875, maximized: true });
  });

  it('does not open with its title bar above the screen, where it cannot be grabbed', () => {
    const restored = restoreBounds({ x: 100, y: -300, width: 1000, height: 700, maximized: false }, [screens.laptop]);
    expect(restored.y).toBeGreaterThanOrEqual(0);
  });

  it('starts centred at the default size the first time, and never below the minimum', () => {
    expect(restoreBounds(undefined, [screens.laptop])).toEqual({ x: 170, y: 58, width: 1100, height: 760, maximized: false });
    expect(windowStateOf({ x: 1.4, y: 2.6, width: 10, height: 10 }, false)).toEqual({ x: 1, y: 3, ...MIN_SIZE, maximized: false });
  });
});

/** Records what the page asked of Electron's webContents, and answers as it would. */
function contents(answer: { printed?: [boolean, string]; pdf?: Uint8Array }): PrintableContents & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    print(options, callback) {
      calls.push(`print ${JSON.stringify(options)}`);
      const [success, reason] = answer.printed ?? [true, ''];
      callback(success, reason);
    },
    printToPDF(options) {
      calls.push(`pdf ${JSON.stringify(options)}`);
      return Promise.resolve(answer.pdf ?? new Uint8Array());
    },
  };
}

describe('printing and PDF', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'invite-desk-pdf-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('opens the system print dialog, and treats cancelling as no error', async () => {
    const page = contents({ printed: [false, 'cancelled'] });
    await printContents(page);
    expect(page.calls).toEqual(['print {"silent":false,"printBackground":true}']);
  });

  it('reports a failed print as an error that says what to do', async () => {
    const failure = await printContents(contents({ printed: [false, 'Printer is offline'] })).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AdminError);
    expect((failure as AdminError).message).toMatch(/Printer is offline.*save them as a PDF/);
  });

  it('writes the PDF where the admin chose, at the page size the kit set, adding .pdf when missing', async () => {
    const bytes = new TextEncoder().encode('%PDF-1.7 test');
    const asked: unknown[] = [];
    const saved = await savePdf(
      contents({ pdf: bytes }),
      (options) => {
        asked.push(options);
        return Promise.resolve({ canceled: false, filePath: join(dir, 'cards') });
      },
      '/home/admin/Documents',
      'invite-cards-example.org.pdf',
    );
    expect(asked).toEqual([{ defaultPath: join('/home/admin/Documents', 'invite-cards-example.org.pdf'), filters: [{ name: 'PDF', extensions: ['pdf'] }] }]);
    expect(saved).toEqual({ path: join(dir, 'cards.pdf') });
    expect(await readFile(join(dir, 'cards.pdf'), 'utf8')).toBe('%PDF-1.7 test');
  });

  it('writes nothing when the admin cancels, and explains a folder it cannot write to', async () => {
    const page = contents({});
    expect(await savePdf(page, () => Promise.resolve({ canceled: true }), dir, 'x.pdf')).toBeNull();
    expect(page.calls).toEqual([]);
    const failure = await savePdf(page, () => Promise.resolve({ canceled: false, filePath: join(dir, 'missing', 'x.pdf') }), dir, 'x.pdf').catch((e: unknown) => e);
    expect((failure as AdminError).message).toMatch(/ENOENT.*Choose another folder/);
  });
});

describe('the application menu', () => {
  const roles = (platform: NodeJS.Platform) => applicationMenuTemplate(platform, () => undefined).map((item) => item.role ?? item.label);

  it('has the standard menus, with the app menu on macOS only', () => {
    expect(roles('darwin')).toEqual(['appMenu', 'fileMenu', 'editMenu', 'View', 'windowMenu', 'help']);
    expect(roles('linux')).toEqual(['fileMenu', 'editMenu', 'View', 'windowMenu', 'help']);
  });

  it('offers About under Help on Windows and Linux, and it opens the About box', () => {
    let shown = 0;
    const help = applicationMenuTemplate('win32', () => (shown += 1)).find((item) => item.role === 'help');
    const about = (help?.submenu as { label?: string; click?: () => void }[])[0];
    expect(about?.label).toBe('About Invite Desk');
    about?.click?.();
    expect(shown).toBe(1);
  });
});

describe('sign-up notifications', () => {
  const registration = (id: string, catchUp: boolean): Registration => ({
    serverId: 's',
    id,
    username: id,
    jid: `${id}@example.org`,
    time: '2026-11-28T10:00:00Z',
    source: 'invite-desk',
    catchUp,
  });

  it('shows one per live sign-up and one for a whole catch-up, pointing at its first sign-up', async () => {
    const shown: SignupNotice[] = [];
    const notify = createSignupNotifier({ show: (notice) => shown.push(notice), batchMs: 10 });
    notify(registration('alice', false));
    for (const id of ['bob', 'carol', 'dave']) notify(registration(id, true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(shown.map(({ title, body, registration: r }) => [title, body, r.id])).toEqual([
      ['New account on example.org', 'alice@example.org', 'alice'],
      ['3 sign-ups while you were away', 'On example.org', 'bob'],
    ]);
  });
});

describe('web permissions', () => {
  it('lets only our own page write to the clipboard, and refuses everything else', () => {
    expect(permissionAllowed('clipboard-sanitized-write', 'app://invite-desk/index.html')).toBe(true);
    expect(permissionAllowed('clipboard-sanitized-write', 'app://invite-desk')).toBe(true);
    expect(permissionAllowed('clipboard-sanitized-write', 'https://evil.example/')).toBe(false);
    expect(permissionAllowed('clipboard-read', 'app://invite-desk/index.html')).toBe(false);
    for (const permission of ['media', 'notifications', 'geolocation', 'openExternal', 'fullscreen']) {
      expect(permissionAllowed(permission, 'app://invite-desk/index.html'), permission).toBe(false);
    }
  });
});

describe('quitting', () => {
  /** Electron's app as far as quitting goes: before-quit listeners, and quit() emitting before-quit again. */
  function quittingApp() {
    const listeners: ((event: { preventDefault(): void }) => void)[] = [];
    const app = {
      exited: 0,
      on: (_event: 'before-quit', listener: (event: { preventDefault(): void }) => void) => listeners.push(listener),
      quit() {
        const event = { prevented: false, preventDefault: () => (event.prevented = true) };
        for (const listener of listeners) listener(event);
        if (!event.prevented) app.exited++;
      },
    };
    return app;
  }

  it('waits for the shutdown however the quit came (Cmd+Q, the menu, the last window), shuts down once, then quits', async () => {
    const app = quittingApp();
    let shutdowns = 0;
    let finish = (): void => undefined;
    quitAfterShutdown(app, () => {
      shutdowns++;
      return new Promise((resolve) => (finish = resolve));
    });
    app.quit();
    app.quit();
    expect(app.exited).toBe(0);
    expect(shutdowns).toBe(1);
    finish();
    await vi.waitFor(() => expect(app.exited).toBe(1));
    expect(shutdowns).toBe(1);
  });

  it('still quits when the shutdown fails', async () => {
    const app = quittingApp();
    quitAfterShutdown(app, () => Promise.reject(new Error('a socket would not close')));
    app.quit();
    await vi.waitFor(() => expect(app.exited).toBe(1));
  });
});
