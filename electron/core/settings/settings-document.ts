import { z } from 'zod';
import type { Preferences } from '../../../common/api';
import { preferencesSchema, printKitTextSchema, serverProfileSchema, studioChoicesSchema } from '../../../common/schemas';

/**
 * The settings file: saved servers, the admin's preferences and the window's
 * place on screen. Never a password or a key: those live in the credential store.
 */
export const SETTINGS_VERSION = 4;

export const DEFAULT_PREFERENCES: Preferences = { theme: 'system', notifications: false, automaticUpdates: true, connectAtStart: true, language: 'system' };

/** Preferences added within version 4 take their defaults where a file written before them lacks them. */
const storedPreferencesSchema = preferencesSchema.extend({
  automaticUpdates: z.boolean().default(DEFAULT_PREFERENCES.automaticUpdates),
  connectAtStart: z.boolean().default(DEFAULT_PREFERENCES.connectAtStart),
  language: preferencesSchema.shape.language.default(DEFAULT_PREFERENCES.language),
});

export const windowStateSchema = z.strictObject({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().min(100).max(100_000),
  height: z.number().int().min(100).max(100_000),
  maximized: z.boolean(),
});

export type WindowState = z.infer<typeof windowStateSchema>;

/**
 * Everything the app keeps about one saved server, in one record, so that it
 * is saved, changed and removed as one. Its sealed sign-in keys are the one
 * part kept elsewhere (the credential store), under the same server id.
 */
export const serverRecordSchema = z.strictObject({
  profile: serverProfileSchema,
  /** The last mod_invite_desk sign-up event the app has seen: after a restart, only later ones are new. */
  cursor: z.string().min(1).max(200).optional(),
  /** The print kit's words. */
  printKit: printKitTextSchema.omit({ serverId: true }).optional(),
  /** Sign-ups not yet seen in the server's feed. */
  unread: z.number().int().min(0).optional(),
  /** The invite studio's last choices. */
  studio: studioChoicesSchema.omit({ serverId: true }).optional(),
  /** Accounts disabled or deleted from Invite Desk, newest last: what it shows where the server cannot say. */
  accounts: z
    .array(z.strictObject({ jid: z.string().min(3).max(3071), state: z.enum(['disabled', 'deleted']), at: z.string().max(40) }))
    .max(1000)
    .optional(),
  /** False when the admin turned off connecting it at start; absent means on. */
  connectAtStart: z.boolean().optional(),
  /**
   * The newest requests to join the admin was told of: when they were made
   * (ISO 8601), and which accounts asked at that very time. After a restart
   * only later ones are new.
   */
  requestsSeen: z.strictObject({ time: z.string().max(40), jids: z.array(z.string().max(3071)).max(1000) }).optional(),
});

export type ServerRecord = z.infer<typeof serverRecordSchema>;

export const settingsSchema = z.strictObject({
  version: z.literal(SETTINGS_VERSION),
  servers: z.array(serverRecordSchema).refine((servers) => new Set(servers.map((s) => s.profile.id)).size === servers.length, 'one record per server id'),
  preferences: storedPreferencesSchema,
  window: windowStateSchema.optional(),
});

export type Settings = z.infer<typeof settingsSchema>;

export function emptySettings(): Settings {
  return { version: SETTINGS_VERSION, servers: [], preferences: { ...DEFAULT_PREFERENCES } };
}

type Document = Record<string, unknown>;

/** Version 3's saved servers and print-kit texts, folded into version 4's one record per server. */
function serverRecordsFromVersion3({ profiles, printKits, ...rest }: Document): Document {
  const kits = (typeof printKits === 'object' && printKits !== null ? printKits : {}) as Record<string, unknown>;
  const servers = (Array.isArray(profiles) ? profiles : []).map((profile: unknown) => {
    const id = (profile as { id?: unknown }).id;
    const printKit = typeof id === 'string' && Object.hasOwn(kits, id) ? kits[id] : undefined;
    return printKit === undefined ? { profile } : { profile, printKit };
  });
  return { ...rest, version: 4, servers };
}

/**
 * One step per older version, each taking the document of version N to N+1.
 * Version 1 is the `profiles.json` of Invite Desk 0.1 (`{version, profiles}`);
 * 2 added preferences and the window's place; 3 the print kits' text; 4 keeps
 * one record per server (profile, catch-up cursor, unread count, print-kit
 * text, the invite studio's last choices).
 */
const MIGRATIONS: Record<number, (document: Document) => Document> = {
  1: (document) => ({ ...document, version: 2, preferences: { ...DEFAULT_PREFERENCES } }),
  2: (document) => ({ ...document, version: 3, printKits: {} }),
  3: serverRecordsFromVersion3,
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
