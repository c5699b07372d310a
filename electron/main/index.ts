import { app, BrowserWindow, ipcMain, net, protocol, session, shell } from 'electron';
import { join, normalize, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createAdminService, type AdminService } from '../core/admin-service';
import { osCredentialStore } from './secrets';
import { registerAdminIpc } from './ipc';
import { APP_ENTRY_URL, APP_SCHEME, isAppUrl } from './app-origin';

/**
 * Electron host. Kept thin on purpose: everything it wires together is plain
 * Node code that is tested outside Electron.
 */
const rendererDir = join(import.meta.dirname, '../renderer');

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

if (process.env.INVITE_DESK_HOME) app.setPath('userData', process.env.INVITE_DESK_HOME);
if (!app.requestSingleInstanceLock()) app.quit();

function serveRenderer(): void {
  protocol.handle(APP_SCHEME, (request) => {
    const { pathname } = new URL(request.url);
    const file = normalize(join(rendererDir, decodeURIComponent(pathname) === '/' ? 'index.html' : decodeURIComponent(pathname)));
    if (!file.startsWith(rendererDir + sep)) return new Response('Not found', { status: 404 });
    return net.fetch(pathToFileURL(file).toString());
  });
}

function createWindow(service: AdminService): BrowserWindow {
  const window = new BrowserWindow({
    width: 1100,
    height: 760,
    minWidth: 720,
    minHeight: 520,
    show: false,
    title: 'Invite Desk',
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  window.once('ready-to-show', () => window.show());
  window.webContents.setWindowOpenHandler(({ url }) => {
    openExternally(url);
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });

  let ready = false;
  const ipc = registerAdminIpc(ipcMain, service, isAppUrl, {
    send: (channel, ...args) => {
      if (!window.isDestroyed()) window.webContents.send(channel, ...args);
    },
    isReady: () => ready && !window.isDestroyed(),
  });
  window.webContents.on('did-start-loading', () => {
    ready = false;
  });
  window.webContents.on('did-finish-load', () => {
    ready = true;
    ipc.flushEvents();
  });
  window.on('closed', () => ipc.dispose());
  void window.loadURL(APP_ENTRY_URL);
  return window;
}

function openExternally(url: string): void {
  try {
    if (new URL(url).protocol === 'https:') void shell.openExternal(url);
  } catch {
    // Not a URL: nothing to open.
  }
}

void app.whenReady().then(async () => {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  serveRenderer();
  const userData = app.getPath('userData');
  const service = createAdminService(userData, (await osCredentialStore(userData)).store);
  let window = createWindow(service);
  app.on('second-instance', () => {
    if (window.isDestroyed()) window = createWindow(service);
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('window-all-closed', () => {
    void service.shutdown().finally(() => app.quit());
  });
});
