import { z } from 'zod';
import type { Preferences } from '../../../common/api';
import { preferencesSchema, printKitTextSchema, serverIdSchema, serverProfileSchema } from '../../../common/schemas';

/**
 * The settings file: saved servers, the admin's preferences and the window's
 * place on screen. Never a password or a key: those live in the credential store.
 */
export const SETTINGS_VERSION = 3;

export const DEFAULT_PREFERENCES: Preferences = { theme: 'system', notifications: false };

export const windowStateSchema = z.strictObject({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().min(100).max(100_000),
  height: z.number().int().min(100).max(100_000),
  maximized: z.boolean(),
});

export type WindowState = z.infer<typeof windowStateSchema>;

export const settingsSchema = z.strictObject({
  version: z.literal(SETTINGS_VERSION),
  profiles: z.array(serverProfileSchema),
  preferences: preferencesSchema,
  window: windowStateSchema.optional(),
  /** The print kit's words, by server id. */
  printKits: z.record(serverIdSchema, printKitTextSchema.omit({ serverId: true })),
});

export type Settings = z.infer<typeof settingsSchema>;

export function emptySettings(): Settings {
  return { version: SETTINGS_VERSION, profiles: [], preferences: { ...DEFAULT_PREFERENCES }, printKits: {} };
}

type Document = Record<string, unknown>;

/**
 * One step per older version, each taking the document of version N to N+1.
 * Version 1 is the `profiles.json` of Invite Desk 0.1 (`{version, profiles}`);
 * 2 added preferences and the window's place; 3 the print kits' text.
 */
const MIGRATIONS: Record<number, (document: Document) => Document> = {
  1: (document) => ({ ...document, version: 2, preferences: { ...DEFAULT_PREFERENCES } }),
  2: (document) => ({ ...document, version: 3, printKits: {} }),
};

export type MigrationResult = { settings: Settings; from: number } | { error: string };

/** Brings a settings document of any known version up to the current one, or says why it cannot. */
export function migrateSettings(raw: unknown): MigrationResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { error: 'the file does not hold a settings object' };
  let document = raw as Document;
  const from = document.version;
  if (typeof from !== 'number' || !Number.isInteger(from) || from < 1) return { error: 'the file has no settings version' };
  if (from > SETTINGS_VERSION) return { error: `the file was written by a newer Invite Desk (settings version ${from})` };
  for (let version = from; version < SETTINGS_VERSION; version++) {
    const step = MIGRATIONS[version];
    if (!step) return { error: `no migration from settings version ${version}` };
    document = step(document);
  }
  const parsed = settingsSchema.safeParse(document);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { error: `the settings do not pass their schema (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'unknown'})` };
  }
  return { settings: parsed.data, from };
}

/**
 * The same schema as JSON Schema, for electron-store (conf) to check every
 * write with. Refinements (such as the JID check) stay with the zod schema,
 * which every read goes through as well.
 */
export function settingsJsonSchema(): { properties: Record<string, object>; rootSchema: { required: string[]; additionalProperties: false } } {
  const schema = z.toJSONSchema(settingsSchema, { unrepresentable: 'any' }) as {
    properties: Record<string, object>;
    required: string[];
  };
  return { properties: schema.properties, rootSchema: { required: schema.required, additionalProperties: false } };
}
