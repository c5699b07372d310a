import type { ServerProfile } from '../../../common/api';
import { AdminError } from '../../../common/errors';
import type { ServerRecord, Settings } from './settings-document';
import type { SettingsStore } from './settings-store';

/** Reads and changes the one record each saved server has in the settings file. */
export class ServerRecords {
  private readonly store: SettingsStore;

  constructor(store: SettingsStore) {
    this.store = store;
  }

  all(): ServerRecord[] {
    return this.store.read().servers;
  }

  find(serverId: string): ServerRecord | undefined {
    return this.all().find((record) => record.profile.id === serverId);
  }

  /** Saves a server's profile, adding its record when it is new and keeping the rest of the record when not. */
  saveProfile(profile: ServerProfile): void {
    this.store.update((settings) => {
      const record = recordIn(settings, profile.id);
      if (record) record.profile = profile;
      else settings.servers.push({ profile });
    });
  }

  /** Changes the record of a saved server, in one read and write; an unknown server is refused. */
  change(serverId: string, change: (record: ServerRecord) => void): void {
    this.store.update((settings) => {
      const record = recordIn(settings, serverId);
      if (!record) throw new AdminError('invalid-input', 'This server is not saved yet: connect to it once first.');
      change(record);
    });
  }

  remove(serverId: string): void {
    this.store.update((settings) => {
      settings.servers = settings.servers.filter((record) => record.profile.id !== serverId);
    });
  }
}

function recordIn(settings: Settings, serverId: string): ServerRecord | undefined {
  return settings.servers.find((record) => record.profile.id === serverId);
}
