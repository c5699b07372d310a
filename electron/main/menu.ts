import type { AboutPanelOptionsOptions, MenuItemConstructorOptions } from 'electron';

/**
 * The standard application menu, built from Electron's roles so every
 * platform gets its native items and shortcuts. Only type imports from
 * Electron: the template is checked in Node.
 */
export function applicationMenuTemplate(platform: NodeJS.Platform, showAbout: () => void): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const about: MenuItemConstructorOptions = { label: 'About Invite Desk', click: showAbout };
  return [
    ...(mac ? [{ role: 'appMenu' } satisfies MenuItemConstructorOptions] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [{ role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }],
    },
    { role: 'windowMenu' },
    // macOS puts About in the app menu (appMenu's role: 'about'); elsewhere it lives under Help.
    { role: 'help', submenu: mac ? [] : [about] },
  ];
}

export function aboutPanelOptions(version: string, electronVersion: string): AboutPanelOptionsOptions {
  return {
    applicationName: 'Invite Desk',
    applicationVersion: version,
    version: `Electron ${electronVersion}`,
    copyright: 'MIT licence',
    credits: 'Run an invite-only XMPP community on Prosody.',
  };
}
