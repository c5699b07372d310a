import { describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { EncryptedFileCredentialStore } from '../../electron/core/settings/credential-store';
import { testCipher } from '../helpers/test-cipher';
import type { SaltedCredentials } from '../../electron/core/xmpp/scram-client';

const credentials: SaltedCredentials = {
  mechanism: 'SCRAM-SHA-1',
  salt: 'QSXCR+Q6sek8bf92',
  iterations: 4096,
  clientKey: '4jTEe/bDZpbdbYUrmaqiuiZVVyg=',
  serverKey: 'D+CSWLOshSulAsxiupA+qs2/fTE=',
};

describe('the encrypted credential store', () => {
  it('keeps nothing readable on disk, and reads back what it sealed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'invite-desk-secrets-'));
    try {
      const path = join(dir, 'credentials.json');
      const cipher = testCipher();
      await new EncryptedFileCredentialStore(path, cipher).set('server-1', credentials);
      const onDisk = await readFile(path, 'utf8');
      for (const secret of [credentials.clientKey, credentials.serverKey, credentials.salt]) expect(onDisk).not.toContain(secret);
      expect(await new EncryptedFileCredentialStore(path, cipher).get('server-1')).toEqual(credentials);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('seals a FAST token with the keys, and still reads keys saved without one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'invite-desk-secrets-'));
    try {
      const path = join(dir, 'credentials.json');
      const cipher = testCipher();
      const withToken: SaltedCredentials = {
        ...credentials,
        fast: { mechanism: 'HT-SHA-256-EXPR', token: 'secret-token:fast-abc123', expiry: '2031-01-01T00:00:00Z', clientId: '4a1c0a4e-0d8e-4a43-9d55-3f6c1b1f2c11' },
      };
      const store = new EncryptedFileCredentialStore(path, cipher);
      await store.set('old', credentials);
      await store.set('new', withToken);
      expect(await readFile(path, 'utf8')).not.toContain('secret-token');
      const reread = new EncryptedFileCredentialStore(path, cipher);
      expect(await reread.get('new')).toEqual(withToken);
      expect(await reread.get('old')).toEqual(credentials);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('treats an entry it cannot decrypt, or a damaged file, as absent', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'invite-desk-secrets-'));
    try {
      const path = join(dir, 'credentials.json');
      await new EncryptedFileCredentialStore(path, testCipher()).set('server-1', credentials);
      expect(await new EncryptedFileCredentialStore(path, testCipher()).get('server-1')).toBeUndefined();
      await writeFile(path, '{ not json');
      expect(await new EncryptedFileCredentialStore(path, testCipher()).get('server-1')).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ['not JSON', '{ not json', 'not valid JSON'],
    ['of another form', JSON.stringify({ version: 1, entries: { __proto__: 'x', 'bad id!': 'y' } }), 'expected form'],
  ])('sets a file %s aside instead of overwriting it with the next save', async (_, damaged, reason) => {
    const dir = await mkdtemp(join(tmpdir(), 'invite-desk-secrets-'));
    try {
      const path = join(dir, 'credentials.json');
      await writeFile(path, damaged);
      const store = new EncryptedFileCredentialStore(path, testCipher());
      await store.set('server-2', credentials);
      expect(store.setAsideFiles).toHaveLength(1);
      expect(store.setAsideFiles[0]?.reason).toContain(reason);
      // What was in the damaged file is still there, under the new name, for the admin to restore.
      expect(await readFile(store.setAsideFiles[0]?.path ?? '', 'utf8')).toBe(damaged);
      expect((await readdir(dir)).sort()).toEqual(['credentials.json', basename(store.setAsideFiles[0]?.path ?? '')].sort());
      expect(await store.get('server-2')).toEqual(credentials);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
