import { app, BrowserWindow, dialog, ipcMain, Menu, net, Notification, protocol, screen, session, shell } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { contentSecurityPolicy } from '../../common/csp';
import { AdminService } from '../core/admin-service';
import type { HostShell } from '../core/host-shell';
import type { SettingsStore } from '../core/settings/settings-store';
import { APP_ENTRY_URL, APP_SCHEME, appRequestFile, isAppUrl } from './app-origin';
import { guardWebContents } from './navigation-guard';
import { keepProcessAlive } from '../core/last-resort';
import { ErrorLog, useErrorLog } from '../core/diagnostics/error-log';
import { registerAdminIpc } from './ipc';
import { aboutPanelOptions, applicationMenuTemplate } from './menu';
import { nativeRequestNotifier, nativeSignupNotifier } from './notifications';
import { printContents, saveFileAs, savePdf, type AskSavePath } from './printing';
import { permissionAllowed } from './permissions';
import { osCredentialStore } from './secrets';
import { openElectronSettings } from './settings';
import { MIN_SIZE, restoreBounds, windowStateOf } from './window-state';
import { quitAfterShutdown } from './quit';
import { desktopUpdater } from './updater';

/**
 * Electron host. Kept thin on purpose: everything it wires together is plain
 * Node code that is tested outside Electron.
 */
const rendererDir = join(import.meta.dirname, '../renderer');
const CSP = contentSecurityPolicy({ connect: ["'self'"], header: true });

keepProcessAlive();
// Every web contents, the window's and any other, gets the same guards the moment it exists.
app.on('web-contents-created', (_event, contents) => guardWebContents(contents, (url) => void shell.openExternal(url)));

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

if (process.env.INVITE_DESK_HOME) app.setPath('userData', process.env.INVITE_DESK_HOME);
if (!app.requestSingleInstanceLock()) app.quit();

function serveRenderer(): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const target = appRequestFile(request.url, rendererDir);
    if ('refused' in target) return new Response(target.refused === 'bad-request' ? 'Bad request' : 'Not found', { status: target.refused === 'bad-request' ? 400 : 404 });
    let response: Response;
    try {
      response = await net.fetch(pathToFileURL(target.file).toString());
    } catch {
      return new Response('Not found', { status: 404 });
    }
    const headers = new Headers(response.headers);
    headers.set('Content-Security-Policy', CSP);
    headers.set('X-Content-Type-Options', 'nosniff');
    return new Response(response.body, { status: response.status, headers });
  });
}

/** The one main window, or null while none is open (macOS keeps the app running without one). */
let mainWindow: BrowserWindow | null = null;

function desktopShell(): HostShell {
  const askSavePath: AskSavePath = (options) => (mainWindow ? dialog.showSaveDialog(mainWindow, options) : dialog.showSaveDialog(options));
  const contents = () => {
    if (!mainWindow || mainWindow.isDestroyed()) throw new Error('The Invite Desk window is closed.');
    return mainWindow.webContents;
  };
  return {
    kind: 'desktop',
    version: app.getVersion(),
    // Where the system has no notification service, the page says so when they are turned on.
    nativeNotifications: Notification.isSupported(),
    nativePrinting: true,
    printPage: () => printContents(contents()),
    savePageAsPdf: ({ suggestedName }) => savePdf(contents(), askSavePath, app.getPath('documents'), suggestedName),
    saveFile: (suggestedName, content) => saveFileAs(askSavePath, app.getPath('documents'), suggestedName, { name: 'CSV', extension: 'csv' }, () => Promise.resolve(content)),
    setUnreadCount: (count) => {
      // macOS and Unity launchers show it; elsewhere the page puts the count in the window title.
      app.setBadgeCount(count);
    },
    updater: desktopUpdater(app.isPackaged, process.resourcesPath),
  };
}

function rememberWindowState(window: BrowserWindow, settings: SettingsStore): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const save = (): void => {
    clearTimeout(timer);
    if (window.isDestroyed() || window.isMinimized()) return;
    const state = windowStateOf(window.getNormalBounds(), window.isMaximized());
    settings.update((draft) => {
      draft.window = state;
    });
  };
  const saveSoon = (): void => {
    clearTimeout(timer);
    timer = setTimeout(save, 500);
  };
  window.on('resize', saveSoon);
  window.on('move', saveSoon);
  window.on('maximize', saveSoon);
  window.on('unmaximize', saveSoon);
  window.on('close', save);
}

function createWindow(service: AdminService, settings: SettingsStore): BrowserWindow {
  const bounds = restoreBounds(
    settings.read().window,
    [screen.getPrimaryDisplay(), ...screen.getAllDisplays()].map((display) => display.workArea),
  );
  const window = new BrowserWindow({
    x: bounds.x,
    y: bounds.y,
    width: bounds.width,
    height: bounds.height,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    show: false,
    title: 'Invite Desk',
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      // A middle click would otherwise ask for a new window; none is ever allowed.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  window.once('ready-to-show', () => {
    if (bounds.maximized) window.maximize();
    window.show();
  });
  rememberWindowState(window, settings);

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
  window.on('closed', () => {
    ipc.dispose();
    if (mainWindow === window) mainWindow = null;
  });
  void window.loadURL(APP_ENTRY_URL);
  return window;
}

void app.whenReady().then(async () => {
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback, details) => callback(permissionAllowed(permission, details.requestingUrl)));
  session.defaultSession.setPermissionCheckHandler((_contents, permission, requestingOrigin) => permissionAllowed(permission, requestingOrigin));
  serveRenderer();
  const userData = app.getPath('userData');
  const { store: settings, preparation } = openElectronSettings(userData);
  if (preparation.setAside) console.warn(`Settings could not be read (${preparation.setAside.reason}); kept as ${preparation.setAside.path}.`);
  const errorLog = new ErrorLog(userData);
  useErrorLog(errorLog);
  const service = new AdminService({
    settings,
    credentials: await osCredentialStore(userData),
    shell: desktopShell(),
    errorLog,
    setAsideFiles: preparation.setAside ? [preparation.setAside] : [],
  });

  app.setAboutPanelOptions(aboutPanelOptions(app.getVersion(), process.versions.electron));
  Menu.setApplicationMenu(Menu.buildFromTemplate(applicationMenuTemplate(process.platform, () => app.showAboutPanel())));

  const showWindow = (): BrowserWindow => {
    if (!mainWindow || mainWindow.isDestroyed()) mainWindow = createWindow(service, settings);
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.show();
    mainWindow.focus();
    return mainWindow;
  };
  service.on(
    'registration',
    nativeSignupNotifier({
      enabled: async () => (await service.getPreferences()).notifications,
      onclick: (registration) => {
        showWindow();
        service.revealRegistration({ serverId: registration.serverId, registrationId: registration.id });
      },
    }),
  );

  service.on(
    'join-requests',
    nativeRequestNotifier({
      enabled: async () => (await service.getPreferences()).notifications,
      onclick: (serverId) => {
        showWindow();
        service.revealRequests(serverId);
      },
    }),
  );

  mainWindow = createWindow(service, settings);
  void service.start();
  app.on('second-instance', showWindow);
  app.on('activate', showWindow);
  quitAfterShutdown(app, () => service.shutdown());
  app.on('window-all-closed', () => app.quit());
});
