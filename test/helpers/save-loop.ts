import { join } from 'node:path';
import { EncryptedFileCredentialStore } from '../../electron/core/settings/credential-store';
import { openNodeSettings } from '../../electron/core/settings/settings-store';
import { testCipher } from './test-cipher';

/**
 * A process that saves as fast as it can, for a test to kill with SIGKILL at
 * a random moment: `save-loop.ts HOME settings|credentials KEYHEX [WRITES]`.
 * After each write has returned it prints `ack N`, so the test knows what was
 * promised. WRITES (a million unless given) ends it sooner.
 */
const [home, what, keyHex, writes = '1000000'] = process.argv.slice(2);
const count = Number(writes);
if (!home || (what !== 'settings' && what !== 'credentials') || !keyHex) throw new Error('usage: save-loop.ts HOME settings|credentials KEYHEX');

if (what === 'settings') {
  const { store } = openNodeSettings(home);
  const start = (store.read().window?.x ?? -1) + 1;
  for (let i = start; i < start + count; i++) {
    store.update((settings) => {
      settings.window = { x: i, y: 0, width: 800, height: 600, maximized: false };
    });
    process.stdout.write(`ack ${i}\n`);
  }
} else {
  const store = new EncryptedFileCredentialStore(join(home, 'credentials.json'), testCipher(Buffer.from(keyHex, 'hex')));
  const start = ((await store.get('server-1'))?.iterations ?? 4095) + 1;
  for (let i = start; i < start + count; i++) {
    await store.set('server-1', { mechanism: 'SCRAM-SHA-256', salt: 'c2FsdA==', iterations: i, clientKey: 'a2V5', serverKey: 'a2V5' });
    process.stdout.write(`ack ${i}\n`);
  }
}
