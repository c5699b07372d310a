import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectionStatus, ConnectRequest, Registration, ServerProfile } from '../../common/api';
import { AdminError, type AdminErrorShape } from '../../common/errors';
import { createAdminService, type AdminService } from '../../electron/core/admin-service';
import type { SessionTimeouts } from '../../electron/core/admin-session';
import { EncryptedFileCredentialStore, type SecretCipher } from '../../electron/core/settings/credential-store';
import { SETTINGS_FILE } from '../../electron/core/settings/settings-store';
import { testCipher } from './test-cipher';
import xml from '@xmpp/xml';
import { createXmppClient, type XmppClient } from '../../electron/core/xmpp/client';
import type { Account, ProsodyServer } from './prosody';

/** An AdminService over a real settings file in a temporary folder, recording every status event. */
export interface TestService {
  service: AdminService;
  statuses: ConnectionStatus[];
  registrations: Registration[];
  /** The settings folder, with settings.json and the sealed credentials.json. */
  home: string;
  settingsPath: string;
  dispose(): Promise<void>;
}

/**
 * An AdminService over real files in a temporary folder (settings, and
 * credentials sealed with a real cipher), recording every event.
 */
export async function createTestService(timeouts: Partial<SessionTimeouts> = {}, home?: string): Promise<TestService> {
  const dir = home ?? (await mkdtemp(join(tmpdir(), 'invite-desk-home-')));
  const settingsPath = join(dir, SETTINGS_FILE);
  const credentials = new EncryptedFileCredentialStore(join(dir, 'credentials.json'), cipherFor(dir));
  const service = createAdminService(dir, credentials, { timeouts: { connectMs: 30_000, requestMs: 15_000, ...timeouts } });
  const statuses: ConnectionStatus[] = [];
  const registrations: Registration[] = [];
  service.on('connection-status', (s) => statuses.push(s));
  service.on('registration', (r) => registrations.push(r));
  return {
    service,
    statuses,
    registrations,
    home: dir,
    settingsPath,
    async dispose() {
      await service.shutdown();
      // A reconnect's last save can still be renaming its temporary file into place: retry, as rm does for EBUSY.
      await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    },
  };
}

/**
 * The app's first run: the admin signs in to each server once, with the
 * password, and quits. The folder then holds the saved servers and their
 * sealed keys; dispose() removes it.
 */
export async function firstRun(signIns: readonly ConnectRequest[]): Promise<TestService> {
  const first = await createTestService();
  await Promise.all(signIns.map((request) => first.service.connect(request)));
  await first.service.shutdown();
  return first;
}

/**
 * The backend started again over a settings folder of createTestService,
 * with the same keychain, as the desktop app starts after a quit. Its host
 * calls start() itself, as both hosts do.
 */
export function restartedService(home: string, timeouts: Partial<SessionTimeouts> = {}): AdminService {
  const credentials = new EncryptedFileCredentialStore(join(home, 'credentials.json'), cipherFor(home));
  return createAdminService(home, credentials, { timeouts: { connectMs: 30_000, requestMs: 15_000, ...timeouts } });
}

export function profileFor(server: ProsodyServer, account: Account, overrides: Partial<ServerProfile> = {}): ServerProfile {
  return {
    id: `${server.domain.replace(/[^A-Za-z0-9]/g, '-')}-${account.username}`,
    jid: `${account.username}@${server.domain}`,
    address: `${server.host}:${server.c2sPort}`,
    trustedFingerprint: server.certificateFingerprint(),
    ...overrides,
  };
}

/** One key per settings folder, as one OS keychain per user: a second service on the same folder can read it. */
const ciphers = new Map<string, SecretCipher>();
function cipherFor(home: string): SecretCipher {
  let cipher = ciphers.get(home);
  if (!cipher) ciphers.set(home, (cipher = testCipher()));
  return cipher;
}

/** Waits, with a generous timeout, until `check` returns something other than undefined. */
export async function eventually<T>(check: () => T | undefined, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Runs `work`, which must fail with an AdminError; returns that error's shape. */
export async function expectAdminError(work: Promise<unknown>): Promise<AdminErrorShape> {
  try {
    await work;
  } catch (error) {
    if (error instanceof AdminError) return error.toJSON();
    throw new Error(`expected an AdminError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** A plain XMPP client of `account` on a test server (not started), trusting its certificate. */
export function testClient(server: ProsodyServer, account: Account, resource: string): XmppClient {
  return createXmppClient({
    host: server.host,
    port: server.c2sPort,
    directTls: false,
    domain: server.domain,
    username: account.username,
    secret: { password: account.password },
    resource,
    trustedFingerprint: server.certificateFingerprint(),
    streamTimeoutMs: 10_000,
  });
}

/** Another client of an account, signed in and available, e.g. the admin's phone. Stop it with `entity.stop()`. */
export async function otherClient(server: ProsodyServer, account: Account, resource: string, priority = 0): Promise<XmppClient> {
  const client = testClient(server, account, resource);
  client.entity.on('error', () => undefined);
  await client.entity.start();
  await client.entity.send(xml('presence', {}, xml('priority', {}, String(priority))));
  return client;
}

/** Runs `work` with a fresh test service, disposed of afterwards whatever happens. */
export async function withTestService(work: (t: TestService) => Promise<void>, timeouts: Partial<SessionTimeouts> = {}): Promise<void> {
  const t = await createTestService(timeouts);
  try {
    await work(t);
  } finally {
    await t.dispose();
  }
}
