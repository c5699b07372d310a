import { mkdir, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { SetAsideFile } from '../../../common/api';
import { serverIdSchema } from '../../../common/schemas';
import type { SaltedCredentials } from '../xmpp/scram-client';
import { writeDurably } from './durable-write';

/**
 * Where salted SCRAM keys are kept between runs, by server id. Never the
 * password. The keys still sign in, so on disk they are always encrypted.
 */
export interface CredentialStore {
  /** Whether what is set here is still there after a restart, and if not, why (for the admin). */
  readonly persistence: { available: boolean; reason?: string };
  /** A file of this store that could not be read and was renamed, so its sealed keys are not overwritten. */
  readonly setAsideFiles: readonly SetAsideFile[];
  get(serverId: string): Promise<SaltedCredentials | undefined>;
  set(serverId: string, credentials: SaltedCredentials): Promise<void>;
  delete(serverId: string): Promise<void>;
}

const saltedCredentialsSchema = z.strictObject({
  mechanism: z.enum(['SCRAM-SHA-1', 'SCRAM-SHA-256']),
  salt: z.string().max(1000),
  iterations: z.number().int().positive(),
  clientKey: z.string().max(200),
  serverKey: z.string().max(200),
  // Optional, so that keys saved before FAST existed still read.
  fast: z
    .strictObject({
      mechanism: z.enum(['HT-SHA-256-EXPR', 'HT-SHA-256-NONE']),
      token: z.string().max(1000),
      expiry: z.string().max(100),
      clientId: z.string().max(100),
    })
    .optional(),
});

/**
 * Secrets that live as long as the process: the browser preview, tests, and a
 * desktop whose system offers no real encryption.
 */
export class MemoryCredentialStore implements CredentialStore {
  readonly persistence: { available: false; reason: string };
  readonly setAsideFiles: readonly SetAsideFile[] = [];
  private readonly entries = new Map<string, SaltedCredentials>();

  constructor(reason = 'Sign-ins are kept only until Invite Desk stops.') {
    this.persistence = { available: false, reason };
  }

  get(serverId: string): Promise<SaltedCredentials | undefined> {
    return Promise.resolve(this.entries.get(serverId));
  }

  set(serverId: string, credentials: SaltedCredentials): Promise<void> {
    this.entries.set(serverId, credentials);
    return Promise.resolve();
  }

  delete(serverId: string): Promise<void> {
    this.entries.delete(serverId);
    return Promise.resolve();
  }
}

/** The operating system's encryption (Electron's safeStorage), or a test's own. */
export interface SecretCipher {
  encrypt(plain: string): Promise<Buffer>;
  decrypt(sealed: Buffer): Promise<string>;
}

const fileSchema = z.object({ version: z.literal(1), entries: z.record(serverIdSchema, z.string()) });

/**
 * One JSON file of sealed entries. An entry that no longer decrypts (another
 * machine, a reset keyring) reads as absent, so the app asks for the
 * password again instead of failing.
 */
export class EncryptedFileCredentialStore implements CredentialStore {
  readonly persistence = { available: true };
  readonly setAsideFiles: SetAsideFile[] = [];
  private readonly path: string;
  private readonly cipher: SecretCipher;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(path: string, cipher: SecretCipher) {
    this.path = path;
    this.cipher = cipher;
  }

  async get(serverId: string): Promise<SaltedCredentials | undefined> {
    const sealed = (await this.read()).get(serverId);
    if (sealed === undefined) return undefined;
    try {
      const parsed = saltedCredentialsSchema.safeParse(JSON.parse(await this.cipher.decrypt(Buffer.from(sealed, 'base64'))));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  async set(serverId: string, credentials: SaltedCredentials): Promise<void> {
    const sealed = (await this.cipher.encrypt(JSON.stringify(credentials))).toString('base64');
    return this.update((entries) => {
      entries.set(serverId, sealed);
    });
  }

  delete(serverId: string): Promise<void> {
    return this.update((entries) => {
      entries.delete(serverId);
    });
  }

  private update(change: (entries: Map<string, string>) => void): Promise<void> {
    const next = this.queue.then(async () => {
      const entries = await this.read();
      change(entries);
      await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
      await writeDurably(this.path, `${JSON.stringify({ version: 1, entries: Object.fromEntries(entries) }, null, 2)}\n`, 0o600);
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * The sealed entries, in a map. A file that cannot be read is renamed
   * aside, as settings.json is, rather than overwritten by the next save:
   * the admin can still restore it.
   */
  private async read(): Promise<Map<string, string>> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
      throw error;
    }
    let reason: string;
    try {
      const parsed = fileSchema.safeParse(JSON.parse(text));
      if (parsed.success) return new Map(Object.entries(parsed.data.entries));
      reason = 'the file does not hold sealed sign-ins in the expected form';
    } catch {
      reason = 'the file is not valid JSON';
    }
    const aside = `${this.path}.unreadable-${Date.now()}`;
    await rename(this.path, aside);
    this.setAsideFiles.push({ path: aside, reason });
    return new Map();
  }
}
