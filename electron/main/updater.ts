import { existsSync } from 'node:fs';
import { join } from 'node:path';
import electronUpdater, { type ProgressInfo } from 'electron-updater';
import type { NoUpdater, Updater } from '../core/updates/update-policy';

/**
 * electron-updater, narrowed to what the update policy (electron/core) uses.
 * It reads the feed electron-builder wrote into the packaged app
 * (app-update.yml, from `publish` in build/electron-builder.yml): the
 * GitHub releases the release workflow publishes to.
 */
export function desktopUpdater(isPackaged: boolean, resourcesPath: string): Updater | NoUpdater {
  if (!isPackaged) {
    return { unavailable: 'This copy of Invite Desk runs from its source folder (npm start), not from an installed release, so it does not update itself.' };
  }
  if (!existsSync(join(resourcesPath, 'app-update.yml'))) {
    return { unavailable: 'This build of Invite Desk was not made by a release, so it has no update feed. Install a release to get updates.' };
  }
  const { autoUpdater } = electronUpdater;
  // The policy decides when to download; a downloaded update installs when the app quits.
  autoUpdater.autoDownload = false;
  autoUpdater.autoInstallOnAppQuit = true;
  return {
    async check() {
      const result = await autoUpdater.checkForUpdates();
      return result?.isUpdateAvailable ? result.updateInfo.version : null;
    },
    async download(progress) {
      const listener = (info: ProgressInfo): void => progress(info.percent);
      autoUpdater.on('download-progress', listener);
      try {
        await autoUpdater.downloadUpdate();
      } finally {
        autoUpdater.off('download-progress', listener);
      }
    },
    install() {
      // Not silent, so Windows shows its installer's progress; the app starts again when it is done.
      autoUpdater.quitAndInstall(false, true);
    },
  };
}
