import { safeStorage } from 'electron';
import { join } from 'node:path';
import { EncryptedFileCredentialStore, MemoryCredentialStore, type CredentialStore } from '../core/settings/credential-store';

/**
 * Saved sign-ins are sealed with the operating system's keychain. Where it
 * offers no real encryption (Linux without a keyring falls back to
 * "basic_text"), nothing is written: the admin is told, and types the
 * password each run.
 */
export async function osCredentialStore(userData: string): Promise<CredentialStore> {
  if (!(await safeStorage.isAsyncEncryptionAvailable())) {
    return new MemoryCredentialStore('This system offers Invite Desk no encrypted storage, so sign-ins are not saved.');
  }
  if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') {
    return new MemoryCredentialStore(
      'No keyring is running (such as GNOME Keyring or KWallet), so sign-ins are not saved. Start one and restart Invite Desk to save them.',
    );
  }
  return new EncryptedFileCredentialStore(join(userData, 'credentials.json'), {
    encrypt: (plain) => safeStorage.encryptStringAsync(plain),
    decrypt: async (sealed) => (await safeStorage.decryptStringAsync(sealed)).result,
  });
}
