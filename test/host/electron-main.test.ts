import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ADMIN_METHODS, type CallEnvelope } from '../../common/contract';
import { ipcChannelFor } from '../../common/ipc';

/**
 * The built main process (out/main/index.js), run in Node with a stand-in for
 * the `electron` module, since Electron's binary is not on every machine the
 * tests run on. Everything else is real: the bundle as packaged, electron-store
 * on a real settings folder, the IPC wiring and the AdminService behind it.
 * It checks the wiring; the Electron e2e suite checks the app in Electron.
 */
const root = resolve(import.meta.dirname, '../..');
const mainBundle = resolve(root, 'out/main/index.js');

type Handler = (...args: unknown[]) => unknown;
const electron = vi.hoisted(() => {
  const recorded = {
    home: '',
    ipc: new Map<string, Handler>(),
    windows: [] as { options: Record<string, unknown>; loaded?: string }[],
    protocolHandler: undefined as Handler | undefined,
    privilegedSchemes: [] as unknown[],
    permissionRequest: undefined as Handler | undefined,
    permissionCheck: undefined as Handler | undefined,
    menu: undefined as unknown,
    about: undefined as unknown,
    opened: [] as string[],
    appEvents: new Map<string, Handler>(),
    quits: 0,
  };
  class BrowserWindow {
    readonly webContents: Record<string, unknown>;
    private readonly record: (typeof recorded.windows)[number];
    constructor(options: Record<string, unknown>) {
      this.record = { options };
      recorded.windows.push(this.record);
      this.webContents = {
        on: () => undefined,
        send: () => undefined,
      };
    }
    once(): void {}
    on(): void {}
    loadURL(url: string): Promise<void> {
      this.record.loaded = url;
      return Promise.resolve();
    }
    isDestroyed(): boolean {
      return false;
    }
  }
  const module = {
    app: {
      setPath: (_name: string, path: string) => (recorded.home = path),
      getPath: () => recorded.home,
      getVersion: () => '0.0.0-test',
      requestSingleInstanceLock: () => true,
      isPackaged: false,
      quit: () => {
        recorded.quits++;
      },
      whenReady: () => Promise.resolve(),
      on: (event: string, handler: Handler) => recorded.appEvents.set(event, handler),
      setAboutPanelOptions: (options: unknown) => (recorded.about = options),
      showAboutPanel: () => undefined,
      setBadgeCount: () => true,
    },
    BrowserWindow,
    dialog: {},
    ipcMain: {
      handle: (channel: string, handler: Handler) => recorded.ipc.set(channel, handler),
      removeHandler: (channel: string) => recorded.ipc.delete(channel),
      // electron-store answers its renderer-side instances here; this app has none.
      on: () => undefined,
    },
    Menu: { buildFromTemplate: (template: unknown) => template, setApplicationMenu: (menu: unknown) => (recorded.menu = menu) },
    // Electron's net.fetch reads file: URLs; Node's fetch does not, so this reads the file itself.
    net: {
      fetch: async (url: string) => {
        const { readFile: read } = await import('node:fs/promises');
        const { fileURLToPath: toPath } = await import('node:url');
        return new Response(await read(toPath(url)), { headers: { 'Content-Type': 'text/html' } });
      },
    },
    Notification: { isSupported: () => true },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => recorded.privilegedSchemes.push(...schemes),
      handle: (_scheme: string, handler: Handler) => (recorded.protocolHandler = handler),
    },
    safeStorage: { isAsyncEncryptionAvailable: () => Promise.resolve(true), getSelectedStorageBackend: () => 'basic_text' },
    screen: { getPrimaryDisplay: () => ({ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }), getAllDisplays: () => [] },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (handler: Handler) => (recorded.permissionRequest = handler),
        setPermissionCheckHandler: (handler: Handler) => (recorded.permissionCheck = handler),
      },
    },
    shell: { openExternal: (url: string) => Promise.resolve(void recorded.opened.push(url)) },
  };
  return { recorded, module };
});
vi.mock('electron', () => ({ ...electron.module, default: electron.module }));

const { recorded } = electron;
const call = (method: string, sender: string, ...args: unknown[]): Promise<CallEnvelope> => {
  const mainFrame = { url: sender };
  return (recorded.ipc.get(ipcChannelFor(method as (typeof ADMIN_METHODS)[number])) as (event: unknown, ...rest: unknown[]) => Promise<CallEnvelope>)({ senderFrame: mainFrame, sender: { mainFrame } }, ...args);
};
const APP_PAGE = 'app://invite-desk/index.html';

describe('the built Electron main process, wired up', () => {
  beforeAll(async () => {
    if (!existsSync(mainBundle)) expect(spawnSync('npx', ['--no-install', 'electron-vite', 'build'], { cwd: root, stdio: 'inherit' }).status).toBe(0);
    process.env.INVITE_DESK_HOME = await mkdtemp(join(tmpdir(), 'invite-desk-main-'));
    await import(/* @vite-ignore */ mainBundle);
    // The window comes once whenReady's chain has run.
    await vi.waitFor(() => expect(recorded.windows).toHaveLength(1), { timeout: 10_000 });
  }, 120_000);
  afterAll(async () => {
    await rm(recorded.home, { recursive: true, force: true });
    delete process.env.INVITE_DESK_HOME;
  });

  it('opens one sandboxed, context-isolated window on the app:// page, with the bundled preload', () => {
    const [window] = recorded.windows;
    const preferences = window?.options.webPreferences as Record<string, unknown>;
    expect(preferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, disableBlinkFeatures: 'Auxclick' });
    expect(existsSync(preferences.preload as string)).toBe(true);
    expect(window?.loaded).toBe(APP_PAGE);
    expect(recorded.privilegedSchemes).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
  });

  it('serves the built page with its CSP, and nothing outside the renderer folder', async () => {
    const handler = recorded.protocolHandler as (request: Request) => Promise<Response>;
    const page = await handler(new Request(APP_PAGE));
    expect(page.status).toBe(200);
    expect(page.headers.get('Content-Security-Policy')).toContain("default-src 'none'");
    expect(await page.text()).toContain('<div id="app">');
    // An encoded slash survives URL parsing and decodes to a path that climbs out: refused.
    expect((await handler(new Request('app://invite-desk/%2F..%2F..%2Fpackage.json'))).status).toBe(404);
    expect((await handler(new Request('app://invite-desk/missing.js'))).status).toBe(404);
    // A malformed escape is a bad request, not an exception; another host is not the app.
    expect((await handler(new Request('app://invite-desk/%E0%A4%A'))).status).toBe(400);
    expect((await handler(new Request('app://elsewhere/index.html'))).status).toBe(404);
  });

  it('guards every web contents the app creates: no navigation or redirect away, no window, no webview', () => {
    const listeners = new Map<string, Handler>();
    let openHandler: Handler | undefined;
    const contents = { setWindowOpenHandler: (handler: Handler) => (openHandler = handler), on: (event: string, handler: Handler) => listeners.set(event, handler) };
    recorded.appEvents.get('web-contents-created')?.({}, contents);
    const stopped = (event: string, url: string): boolean => {
      let prevented = false;
      listeners.get(event)?.({ preventDefault: () => (prevented = true) }, url);
      return prevented;
    };
    for (const event of ['will-navigate', 'will-redirect']) {
      expect(stopped(event, 'https://attacker.example/')).toBe(true);
      expect(stopped(event, 'app://invite-desk.attacker/')).toBe(true);
      expect(stopped(event, APP_PAGE)).toBe(false);
    }
    expect(stopped('will-attach-webview', APP_PAGE)).toBe(true);
    expect(openHandler?.({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
  });

  it('answers every contract method over IPC for its own page only', async () => {
    expect([...recorded.ipc.keys()].sort()).toEqual(ADMIN_METHODS.map(ipcChannelFor).sort());
    expect(await call('listProfiles', APP_PAGE)).toEqual({ result: [] });
    expect(await call('listProfiles', 'https://evil.example/')).toMatchObject({ error: { code: 'invalid-input' } });
    expect(await call('connect', APP_PAGE, { profile: { id: 'x', jid: 'no' } })).toMatchObject({ error: { code: 'invalid-input' } });
  });

  it('tells the page that sign-ins are not saved where Linux has no keyring, and keeps settings in electron-store', async () => {
    const reply = await call('hostInfo', APP_PAGE);
    expect(reply).toMatchObject({ result: { kind: 'desktop', version: '0.0.0-test', nativePrinting: true, nativeNotifications: true } });
    const info = (reply as { result: { savedSignIns: { available: boolean; reason?: string } } }).result;
    expect(info.savedSignIns.available).toBe(process.platform !== 'linux');
    if (process.platform === 'linux') expect(info.savedSignIns.reason).toContain('No keyring is running');
    expect(await call('setPreferences', APP_PAGE, { theme: 'dark' })).toEqual({ result: { theme: 'dark', notifications: false, automaticUpdates: true, connectAtStart: true, language: 'system' } });
    expect(JSON.parse(await readFile(join(recorded.home, 'settings.json'), 'utf8'))).toMatchObject({ version: 4, preferences: { theme: 'dark' } });
  });

  it('denies new windows and every permission but clipboard writes, and opens only https links outside', async () => {
    let openHandler: Handler | undefined;
    recorded.appEvents.get('web-contents-created')?.({}, { setWindowOpenHandler: (handler: Handler) => (openHandler = handler), on: () => undefined });
    expect(openHandler?.({ url: 'https://prosody.im/doc' })).toEqual({ action: 'deny' });
    expect(openHandler?.({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    await vi.waitFor(() => expect(recorded.opened).toEqual(['https://prosody.im/doc']));
    const decide = (permission: string, url: string): Promise<boolean> =>
      new Promise((done) => recorded.permissionRequest?.(null, permission, done, { requestingUrl: url }));
    expect(await decide('clipboard-sanitized-write', APP_PAGE)).toBe(true);
    expect(await decide('media', APP_PAGE)).toBe(false);
    expect(recorded.permissionCheck?.(null, 'notifications', 'app://invite-desk')).toBe(false);
  });

  it('has no updater when run from the source folder, and says so', async () => {
    expect(await call('updateStatus', APP_PAGE)).toMatchObject({
      result: { state: 'unavailable', current: '0.0.0-test', message: expect.stringContaining('runs from its source folder (npm start)') as unknown },
    });
  });

  it('quits only once the service has shut down, for Cmd+Q and the menu too, which skip window-all-closed', async () => {
    const quit = (): boolean => {
      let prevented = false;
      recorded.appEvents.get('before-quit')?.({ preventDefault: () => (prevented = true) });
      return prevented;
    };
    // The last window closing asks to quit, which comes back here as before-quit.
    recorded.appEvents.get('window-all-closed')?.();
    expect(recorded.quits).toBe(1);
    expect(quit()).toBe(true);
    expect(recorded.quits).toBe(1);
    // Asked again while the sessions end: still held, and still one shutdown.
    expect(quit()).toBe(true);
    await vi.waitFor(() => expect(recorded.quits).toBe(2));
    // The quit that follows the shutdown goes through.
    expect(quit()).toBe(false);
    expect(await call('connectionStatuses', APP_PAGE)).toEqual({ result: [] });
  });

  it('sets the application menu and the About box', () => {
    expect(Array.isArray(recorded.menu)).toBe(true);
    expect(recorded.about).toMatchObject({ applicationName: 'Invite Desk', applicationVersion: '0.0.0-test' });
  });
});
