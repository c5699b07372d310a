import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Conf, { type Options as ConfOptions } from 'conf';
import { syncFolder, writeDurablySync } from './durable-write';
import { emptySettings, migrateSettings, settingsJsonSchema, settingsSchema, SETTINGS_VERSION, type Settings } from './settings-document';

/** Where settings are read and changed. Synchronous: the file is small, and written atomically and durably. */
export interface SettingsStore {
  read(): Settings;
  /** Applies a change to a copy, checks the result against the schema, then writes it. */
  update(change: (draft: Settings) => void): Settings;
}

export const SETTINGS_FILE = 'settings.json';
/** Where Invite Desk 0.1 kept its saved servers. */
export const LEGACY_PROFILES_FILE = 'profiles.json';

/** What preparing the folder did, for the host to log or tell the admin. */
export interface SettingsPreparation {
  migratedFrom?: number;
  /** A file that could not be read, renamed rather than overwritten so nothing is lost. */
  setAside?: { path: string; reason: string };
  /** Temporary files of writes that never finished (the app was killed mid-save), removed. */
  removedTemporaryFiles?: string[];
}

/**
 * Temporary files of an atomic write: the atomically package's
 * (`settings.json.tmp-<time><hex>`, which conf and our own writes use), and
 * `<file>.<pid>.tmp` of earlier versions. The rename that
 * completes a write removes them; a process killed in between leaves them.
 */
const TEMPORARY_FILE = /^(?:settings|credentials)\.json\.(?:tmp-\d{10}[0-9a-f]{6}|\d+\.tmp)$/;

/**
 * Makes the settings folder private to the user (700, and 600 for its files)
 * and removes what interrupted writes left behind. Only one Invite Desk uses
 * a settings folder at a time (the desktop app holds a single-instance lock),
 * so no temporary file found at start can belong to a write still running.
 */
function secureSettingsFolder(dir: string): string[] {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const removed: string[] = [];
  for (const name of readdirSync(dir)) {
    if (TEMPORARY_FILE.test(name)) {
      rmSync(join(dir, name), { force: true });
      removed.push(name);
    } else if (name === SETTINGS_FILE || name === 'credentials.json') {
      chmodSync(join(dir, name), 0o600);
    }
  }
  return removed;
}

function readJson(path: string): { value: unknown } | { unreadable: string } | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return { unreadable: (error as Error).message };
  }
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return { unreadable: 'the file is not valid JSON' };
  }
}

function writeAtomically(path: string, settings: Settings): void {
  // The same layout conf writes, so the file reads the same whichever wrote it last.
  writeDurablySync(path, JSON.stringify(settings, undefined, '\t'), 0o600);
}

/**
 * Runs our own versioned migrations over the JSON file before electron-store
 * (or conf) opens it, since those check it against the current schema. An
 * unreadable or newer file is set aside, and a 0.1 `profiles.json` is taken in.
 */
export function prepareSettingsFolder(dir: string): SettingsPreparation {
  const removed = secureSettingsFolder(dir);
  const cleaned: SettingsPreparation = removed.length > 0 ? { removedTemporaryFiles: removed } : {};
  const path = join(dir, SETTINGS_FILE);
  const legacyPath = join(dir, LEGACY_PROFILES_FILE);
  let source = path;
  let found = readJson(path);
  if (found === null && existsSync(legacyPath)) {
    source = legacyPath;
    found = readJson(legacyPath);
  }
  if (found === null) return cleaned;
  const result = 'value' in found ? migrateSettings(found.value) : { error: found.unreadable };
  if ('error' in result) {
    const aside = `${source}.unreadable-${Date.now()}`;
    renameSync(source, aside);
    return { ...cleaned, setAside: { path: aside, reason: result.error } };
  }
  if (source === legacyPath || result.from !== SETTINGS_VERSION) writeAtomically(path, result.settings);
  if (source === legacyPath) renameSync(legacyPath, `${legacyPath}.migrated`);
  return result.from === SETTINGS_VERSION ? cleaned : { ...cleaned, migratedFrom: result.from };
}

/** The options electron-store and conf share: one file, checked against the settings schema on every write. */
export function settingsStoreOptions(dir: string): ConfOptions<Settings> & { configName: string } {
  const { properties, rootSchema } = settingsJsonSchema();
  return {
    cwd: dir,
    configName: SETTINGS_FILE.replace(/\.json$/, ''),
    // conf's own schema type is stricter than what JSON Schema from zod can be proven to meet.
    schema: properties as ConfOptions<Settings>['schema'],
    rootSchema,
    defaults: emptySettings(),
    clearInvalidConfig: false,
    // Private to the user: the file names the admin's servers and accounts.
    configFileMode: 0o600,
    accessPropertiesByDotNotation: false,
    watch: false,
  };
}

/** The part of conf (and electron-store, which extends it) the store uses. */
export interface WholeDocumentStore {
  store: Settings;
  /** The file: conf writes it atomically and fsyncs it, but not its folder. */
  readonly path: string;
}

export class ConfSettingsStore implements SettingsStore {
  private readonly backing: WholeDocumentStore;

  constructor(backing: WholeDocumentStore) {
    this.backing = backing;
  }

  read(): Settings {
    return settingsSchema.parse(this.backing.store);
  }

  update(change: (draft: Settings) => void): Settings {
    const draft = structuredClone(this.read());
    change(draft);
    const next = settingsSchema.parse(draft);
    this.backing.store = next;
    syncFolder(dirname(this.backing.path));
    return next;
  }
}

/** Settings for plain Node (the browser preview and tests), through conf, the library electron-store is built on. */
export function openNodeSettings(dir: string): { store: SettingsStore; preparation: SettingsPreparation } {
  const preparation = prepareSettingsFolder(dir);
  return { store: new ConfSettingsStore(new Conf<Settings>(settingsStoreOptions(dir))), preparation };
}
