import ElectronStore from 'electron-store';
import { ConfSettingsStore, prepareSettingsFolder, settingsStoreOptions, type SettingsPreparation, type SettingsStore } from '../core/settings/settings-store';
import type { Settings } from '../core/settings/settings-document';

/**
 * Settings through electron-store. Our own migrations run first, on the JSON
 * file itself (tested in Node), because electron-store checks the file
 * against the current schema as it opens it.
 */
export function openElectronSettings(userData: string): { store: SettingsStore; preparation: SettingsPreparation } {
  const preparation = prepareSettingsFolder(userData);
  const { configName, ...options } = settingsStoreOptions(userData);
  return { store: new ConfSettingsStore(new ElectronStore<Settings>({ ...options, name: configName })), preparation };
}
