import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { ServerProfile } from '../../../common/api';
import { serverProfileSchema } from '../../../common/schemas';

/** Where saved server profiles live. Never holds a password. */
export interface ProfileStore {
  list(): Promise<ServerProfile[]>;
  save(profile: ServerProfile): Promise<void>;
  remove(id: string): Promise<void>;
}

export const PROFILES_FILE_VERSION = 1;

const profilesFileSchema = z.object({
  version: z.literal(PROFILES_FILE_VERSION),
  profiles: z.array(serverProfileSchema),
});

type ProfilesFile = z.infer<typeof profilesFileSchema>;

/**
 * Profiles in one versioned JSON file. Writes go to a temporary file that is
 * renamed over the old one, so a crash never leaves half a file. A file that
 * does not pass the schema is set aside, not overwritten, so nothing is lost.
 */
export class JsonFileProfileStore implements ProfileStore {
  private readonly path: string;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(path: string) {
    this.path = path;
  }

  async list(): Promise<ServerProfile[]> {
    return (await this.read()).profiles;
  }

  save(profile: ServerProfile): Promise<void> {
    return this.update((file) => {
      const index = file.profiles.findIndex((p) => p.id === profile.id);
      if (index === -1) file.profiles.push(profile);
      else file.profiles[index] = profile;
    });
  }

  remove(id: string): Promise<void> {
    return this.update((file) => {
      file.profiles = file.profiles.filter((p) => p.id !== id);
    });
  }

  /** Serialises read-modify-write cycles so concurrent saves do not lose each other. */
  private update(change: (file: ProfilesFile) => void): Promise<void> {
    const next = this.queue.then(async () => {
      const file = await this.read();
      change(file);
      await this.write(file);
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async read(): Promise<ProfilesFile> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: PROFILES_FILE_VERSION, profiles: [] };
      throw error;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const result = profilesFileSchema.safeParse(parsed);
    if (result.success) return result.data;
    await rename(this.path, `${this.path}.unreadable-${Date.now()}`);
    return { version: PROFILES_FILE_VERSION, profiles: [] };
  }

  private async write(file: ProfilesFile): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
    await rename(temporary, this.path);
  }
}
