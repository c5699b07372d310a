import { safeStorage } from 'electron';
import { join } from 'node:path';
import { EncryptedFileCredentialStore, MemoryCredentialStore, type CredentialStore } from '../core/settings/credential-store';

/**
 * Saved sign-ins are sealed with the operating system's keychain. Where it
 * offers no real encryption (Linux without a keyring falls back to
 * "basic_text"), nothing is written: the admin types the password each run.
 */
export async function osCredentialStore(userData: string): Promise<{ store: CredentialStore; encrypted: boolean }> {
  const encrypted = (await safeStorage.isAsyncEncryptionAvailable()) && (process.platform !== 'linux' || safeStorage.getSelectedStorageBackend() !== 'basic_text');
  if (!encrypted) return { store: new MemoryCredentialStore(), encrypted };
  return {
    store: new EncryptedFileCredentialStore(join(userData, 'credentials.json'), {
      encrypt: (plain) => safeStorage.encryptStringAsync(plain),
      decrypt: async (sealed) => (await safeStorage.decryptStringAsync(sealed)).result,
    }),
    encrypted,
  };
}
