import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import type { ServerProfile } from '../../common/api';
import { migrateSettings, SETTINGS_VERSION, type Settings } from '../../electron/core/settings/settings-document';
import { openNodeSettings, prepareSettingsFolder, settingsStoreOptions } from '../../electron/core/settings/settings-store';
import { createAdminService } from '../../electron/core/admin-service';
import { createCallDispatcher } from '../../electron/core/call-dispatcher';
import { EncryptedFileCredentialStore } from '../../electron/core/settings/credential-store';
import { testCipher } from '../helpers/test-cipher';

const profile: ServerProfile = {
  id: 'example-org',
  jid: 'admin@example.org',
  address: 'xmpp.example.org:5222',
  trustedFingerprint: Array.from({ length: 32 }, () => 'AB').join(':'),
};

/** What preferences added within version 4 read as where a file lacks them. */
const ADDED_IN_4 = { automaticUpdates: true, connectAtStart: true, language: 'system' };

/** The file Invite Desk 0.1 wrote: settings version 1. */
const version1 = { version: 1, profiles: [profile] };

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'invite-desk-settings-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const readSettingsFile = async (): Promise<unknown> => JSON.parse(await readFile(join(dir, 'settings.json'), 'utf8'));

describe('settings migrations', () => {
  it('takes a version 1 document to the current version, keeping every profile and adding default preferences', () => {
    expect(migrateSettings(version1)).toEqual({
      from: 1,
      settings: { version: SETTINGS_VERSION, servers: [{ profile }], preferences: { theme: 'system', notifications: false, ...ADDED_IN_4 } },
    });
  });

  it('takes a version 2 document to the current version, keeping the preferences and the window', () => {
    const window = { x: 0, y: 0, width: 1000, height: 700, maximized: true };
    const version2 = { version: 2, profiles: [profile], preferences: { theme: 'dark', notifications: true }, window };
    const { profiles, ...rest } = version2;
    expect(migrateSettings(version2)).toEqual({
      from: 2,
      settings: { ...rest, preferences: { ...rest.preferences, ...ADDED_IN_4 }, version: SETTINGS_VERSION, servers: profiles.map((p) => ({ profile: p })) },
    });
  });

  it("folds version 3's profiles and print-kit texts into one record per server", () => {
    const other = { ...profile, id: 'other-org', jid: 'admin@other.org' };
    const kit = { welcome: 'Welcome!', apps: 'Conversations' };
    const version3 = { version: 3, profiles: [profile, other], preferences: { theme: 'dark', notifications: false }, printKits: { [profile.id]: kit, gone: kit } };
    expect(migrateSettings(version3)).toEqual({
      from: 3,
      settings: { version: SETTINGS_VERSION, servers: [{ profile, printKit: kit }, { profile: other }], preferences: { theme: 'dark', notifications: false, ...ADDED_IN_4 } },
    });
  });

  it('opens a version 4 file from before automatic updates and connecting at start with both on, and keeps them once changed', async () => {
    await writeFile(join(dir, 'settings.json'), JSON.stringify({ version: 4, servers: [{ profile }], preferences: { theme: 'dark', notifications: true } }));
    const { store, preparation } = openNodeSettings(dir);
    expect(preparation).toEqual({});
    expect(store.read().preferences).toEqual({ theme: 'dark', notifications: true, ...ADDED_IN_4 });
    store.update((settings) => {
      settings.preferences.connectAtStart = false;
    });
    expect(openNodeSettings(dir).store.read().preferences).toEqual({ theme: 'dark', notifications: true, ...ADDED_IN_4, connectAtStart: false });
  });

  it.each([
    ['not an object', 'settings'],
    [[1, 2], 'does not hold a settings object'],
    [{ profiles: [] }, 'no settings version'],
    [{ version: 99, profiles: [] }, 'newer Invite Desk'],
    [{ version: 1, profiles: [{ id: 'x', jid: 'not a jid' }] }, 'servers.0.profile.jid'],
    [{ version: 2, profiles: [], preferences: { theme: 'pink', notifications: true } }, 'preferences.theme'],
  ])('refuses %j with a reason (%s)', (raw, reason) => {
    const result = migrateSettings(raw);
    expect('error' in result && result.error).toContain(reason);
  });

  it("imports 0.1's profiles.json into settings.json and keeps the old file under another name", async () => {
    await writeFile(join(dir, 'profiles.json'), JSON.stringify(version1));
    expect(prepareSettingsFolder(dir)).toEqual({ migratedFrom: 1 });
    expect(await readSettingsFile()).toMatchObject({ version: SETTINGS_VERSION, servers: [{ profile }] });
    expect((await readdir(dir)).sort()).toEqual(['profiles.json.migrated', 'settings.json']);
    // A second start finds nothing left to do.
    expect(prepareSettingsFolder(dir)).toEqual({});
  });

  it('sets an unreadable file aside instead of overwriting it, and starts empty', async () => {
    await writeFile(join(dir, 'settings.json'), '{ "version": 2, "profiles": [');
    const { setAside } = prepareSettingsFolder(dir);
    expect(setAside?.reason).toBe('the file is not valid JSON');
    expect(await readFile(setAside?.path ?? '', 'utf8')).toBe('{ "version": 2, "profiles": [');
    const { store } = openNodeSettings(dir);
    expect(store.read().servers.map((r) => r.profile)).toEqual([]);
  });

  it('sets aside a file from a newer version rather than losing what it holds', async () => {
    await writeFile(join(dir, 'settings.json'), JSON.stringify({ version: SETTINGS_VERSION + 1, profiles: [profile], future: true }));
    const { setAside } = prepareSettingsFolder(dir);
    expect(setAside?.reason).toContain('newer Invite Desk');
    expect(JSON.parse(await readFile(setAside?.path ?? '', 'utf8'))).toMatchObject({ version: SETTINGS_VERSION + 1, future: true });
  });
});

describe('the settings store (conf, the library under electron-store)', () => {
  it('opens a migrated file and keeps changes across reopening', async () => {
    await writeFile(join(dir, 'settings.json'), JSON.stringify(version1));
    const first = openNodeSettings(dir);
    expect(first.preparation).toEqual({ migratedFrom: 1 });
    first.store.update((settings) => {
      settings.preferences.theme = 'dark';
      settings.window = { x: 10, y: 20, width: 1000, height: 700, maximized: false };
    });
    const again = openNodeSettings(dir).store.read();
    expect(again).toMatchObject({ servers: [{ profile }], preferences: { theme: 'dark' }, window: { width: 1000 } });
  });

  it("checks writes against the JSON Schema electron-store is given, and leaves the file as it was when one fails", async () => {
    const conf = new Conf<Settings>(settingsStoreOptions(dir));
    expect(() => {
      (conf as unknown as { store: unknown }).store = { version: SETTINGS_VERSION, servers: [], preferences: { theme: 'neon', notifications: false } };
    }).toThrow(/theme/);
    expect(() => {
      (conf as unknown as { store: unknown }).store = { version: SETTINGS_VERSION, servers: [], preferences: { theme: 'dark', notifications: false }, secret: 'x' };
    }).toThrow(/additional/i);
    expect(await readSettingsFile()).toMatchObject({ version: SETTINGS_VERSION, preferences: { theme: 'system' } });
  });

  it('refuses an update that would break the schema, and keeps the old settings', () => {
    const { store } = openNodeSettings(dir);
    expect(() =>
      store.update((settings) => {
        settings.servers.push({ profile: { id: 'bad id!', jid: 'admin@example.org' } });
      }),
    ).toThrow();
    expect(store.read().servers.map((r) => r.profile)).toEqual([]);
  });
});

describe("the print kit's text", () => {
  it('is kept per saved server, refused for an unknown one, and forgotten with its server', async () => {
    const service = createAdminService(dir, new EncryptedFileCredentialStore(join(dir, 'credentials.json'), testCipher()));
    try {
      openNodeSettings(dir).store.update((settings) => settings.servers.push({ profile }));
      expect(await service.getPrintKitText(profile.id)).toBeNull();
      const text = { serverId: profile.id, welcome: 'Welcome to the garden club!', apps: 'Conversations\nMonal' };
      await service.savePrintKitText(text);
      expect(await createAdminService(dir, new EncryptedFileCredentialStore(join(dir, 'c.json'), testCipher())).getPrintKitText(profile.id)).toEqual(text);
      await expect(service.savePrintKitText({ ...text, serverId: 'elsewhere' })).rejects.toMatchObject({ code: 'invalid-input' });
      await service.removeProfile(profile.id);
      expect(openNodeSettings(dir).store.read().servers).toEqual([]);
    } finally {
      await service.shutdown();
    }
  });

  it.each(['__proto__', 'constructor', 'prototype', 'toString'])('is kept for a server id such as %s, or refused outright: never lost after reporting success', async (id) => {
    const service = createAdminService(dir, new EncryptedFileCredentialStore(join(dir, 'credentials.json'), testCipher()));
    // Through the dispatcher, as both hosts call the service.
    const dispatch = createCallDispatcher(service);
    try {
      const stored = (() => {
        try {
          openNodeSettings(dir).store.update((settings) => settings.servers.push({ profile: { ...profile, id } }));
          return true;
        } catch {
          return false;
        }
      })();
      const text = { serverId: id, welcome: 'Welcome!', apps: 'Conversations' };
      const saved = await dispatch('savePrintKitText', [text]);
      if (!stored) {
        expect(saved).toMatchObject({ error: { code: 'invalid-input' } });
        return;
      }
      expect(saved).toEqual({ result: null });
      expect(await dispatch('getPrintKitText', [id])).toEqual({ result: text });
    } finally {
      await service.shutdown();
    }
  });
});

describe("the invite studio's last choices", () => {
  it('are kept in the server record across a restart, checked, and gone with the server', async () => {
    const credentials = (): EncryptedFileCredentialStore => new EncryptedFileCredentialStore(join(dir, 'credentials.json'), testCipher());
    const service = createAdminService(dir, credentials());
    const dispatch = createCallDispatcher(service);
    try {
      openNodeSettings(dir).store.update((settings) => settings.servers.push({ profile }));
      expect(await service.getStudioChoices(profile.id)).toBeNull();
      const choices = { serverId: profile.id, kind: 'account' as const, count: 20, expiresInSeconds: 28 * 86400, customDays: 14, reusable: false, maxUses: 1, role: 'prosody:member', link: 'landing' as const };
      expect(await dispatch('saveStudioChoices', [choices])).toEqual({ result: null });
      expect(await dispatch('saveStudioChoices', [{ ...choices, count: 100_000 }])).toMatchObject({ error: { code: 'invalid-input' } });
      expect(await createAdminService(dir, credentials()).getStudioChoices(profile.id)).toEqual(choices);
      await service.removeProfile(profile.id);
      expect(await service.getStudioChoices(profile.id)).toBeNull();
    } finally {
      await service.shutdown();
    }
  });
});

describe('the server id pattern', () => {
  it('refuses ids that could reach an object prototype, and takes the ids the app makes', async () => {
    const { serverIdSchema } = await import('../../common/schemas');
    for (const id of ['__proto__', '_x', '.hidden', '-x', '', 'a b', 'a/b']) expect(serverIdSchema.safeParse(id).success, id).toBe(false);
    for (const id of [crypto.randomUUID(), 'example-org', 'constructor']) expect(serverIdSchema.safeParse(id).success, id).toBe(true);
  });
});

describe('files on disk', () => {
  it('are private to the user: the folder 700, settings.json 600, even when they were wider before', async () => {
    if (process.platform === 'win32') return;
    openNodeSettings(dir).store.update((settings) => settings.servers.push({ profile }));
    expect((await stat(join(dir, 'settings.json'))).mode & 0o777).toBe(0o600);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    await chmod(dir, 0o755);
    await chmod(join(dir, 'settings.json'), 0o644);
    openNodeSettings(dir);
    expect((await stat(join(dir, 'settings.json'))).mode & 0o777).toBe(0o600);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    const secrets = new EncryptedFileCredentialStore(join(dir, 'credentials.json'), testCipher());
    await secrets.set(profile.id, { mechanism: 'SCRAM-SHA-1', salt: 'c2FsdA==', iterations: 4096, clientKey: 'a2V5', serverKey: 'a2V5' });
    expect((await stat(join(dir, 'credentials.json'))).mode & 0o777).toBe(0o600);
  });

  it('lose what interrupted writes left behind at start, and nothing else', async () => {
    openNodeSettings(dir).store.update((settings) => settings.servers.push({ profile }));
    const leftovers = ['settings.json.tmp-1764480000a1b2c3', 'settings.json.4242.tmp', 'credentials.json.4242.tmp'];
    for (const name of leftovers) await writeFile(join(dir, name), '{"half":');
    await writeFile(join(dir, 'notes.tmp'), 'not ours');
    const { preparation, store } = openNodeSettings(dir);
    expect(preparation.removedTemporaryFiles?.sort()).toEqual([...leftovers].sort());
    expect((await readdir(dir)).sort()).toEqual(['notes.tmp', 'settings.json']);
    expect(store.read().servers.map((r) => r.profile)).toEqual([profile]);
  });

  // The password itself never reaches these stores; the sign-in tests against a real server check it stays out of every file.
  it('hold no key material in clear after a sign-in is saved', async () => {
    const credentials = { mechanism: 'SCRAM-SHA-1' as const, salt: 'QSXCR+Q6sek8bf92', iterations: 4096, clientKey: '4jTEe/bDZpbdbYUrmaqiuiZVVyg=', serverKey: 'D+CSWLOshSulAsxiupA+qs2/fTE=' };
    const secrets = new EncryptedFileCredentialStore(join(dir, 'credentials.json'), testCipher());
    const service = createAdminService(dir, secrets);
    try {
      openNodeSettings(dir).store.update((settings) => settings.servers.push({ profile }));
      await secrets.set(profile.id, credentials);
      await service.setPreferences({ notifications: true });
      expect((await service.listProfiles())[0]?.hasSavedCredentials).toBe(true);
      for (const name of await readdir(dir)) {
        const text = await readFile(join(dir, name), 'utf8');
        for (const secret of [credentials.clientKey, credentials.serverKey, credentials.salt]) expect(text).not.toContain(secret);
      }
    } finally {
      await service.shutdown();
    }
  });
});
