import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAdminService } from '../../electron/core/admin-service';
import { createCallDispatcher } from '../../electron/core/call-dispatcher';
import { ErrorLog, ERROR_LOG_FILE, useErrorLog } from '../../electron/core/diagnostics/error-log';
import { redact } from '../../electron/core/diagnostics/redact';
import { MemoryCredentialStore } from '../../electron/core/settings/credential-store';

/** Secrets as they appear in the app's own data: none may reach the log or a report. */
const SECRETS = {
  password: 'correct horse battery staple',
  clientKey: '4jTEe/bDZpbdbYUrmaqiuiZVVyg=',
  serverKey: 'D+CSWLOshSulAsxiupA+qs2/fTE=',
  salt: 'QSXCR+Q6sek8bf92QSXCR+Q6',
  token: 'Zk3pQ9xLmR2vT8wN4yB6cD1h',
  sasl: 'biwsbj11c2VyLHI9ck9wck5HZndFYmVSV2diTkVrcU8=',
  cookie: 'k2J9dLq0Xw8sV3nB7mR1tY6uP4cZ5aF2',
};

const leaky = [
  `connect failed for {"password":"${SECRETS.password}","clientKey":"${SECRETS.clientKey}"}`,
  `serverKey: '${SECRETS.serverKey}' salt=${SECRETS.salt}`,
  `invite xmpp:example.org?register;preauth=${SECRETS.token} and https://example.org/invites_page?${SECRETS.token}`,
  `<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='SCRAM-SHA-1'>${SECRETS.sasl}</auth>`,
  `Cookie: invite_desk_session_41234=${SECRETS.cookie}`,
  `GET /?token=${SECRETS.token}`,
].join('\n');

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'invite-desk-log-'));
});
afterEach(async () => {
  useErrorLog(null);
  await rm(dir, { recursive: true, force: true });
});

function expectNoSecrets(text: string): void {
  for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
}

describe('redaction', () => {
  it('removes passwords, keys, salts, tokens, SASL payloads and cookies', () => {
    const cleaned = redact(leaky);
    expectNoSecrets(cleaned);
    expect(cleaned).toContain('[redacted]');
  });

  it('keeps what a bug report needs: words, file paths, fingerprints and JIDs', () => {
    const useful = 'at AdminSession.attempt (electron/core/admin-session.ts:190:13) admin@example.org AB:CD:EF:01 TimeoutError';
    expect(redact(useful)).toBe(useful);
  });
});

describe('the error log', () => {
  it('keeps an unexpected error with its stack and cause, redacted, in a private file', async () => {
    const log = new ErrorLog(dir);
    function failingDeepInside(): never {
      throw new Error(leaky, { cause: new TypeError(`while sealing ${SECRETS.clientKey}`) });
    }
    try {
      failingDeepInside();
    } catch (error) {
      log.record('calling connect', error);
    }
    const text = await readFile(join(dir, ERROR_LOG_FILE), 'utf8');
    expect(text).toContain('failingDeepInside');
    expect(text).toContain('Caused by: TypeError');
    expectNoSecrets(text);
    if (process.platform !== 'win32') expect((await stat(join(dir, ERROR_LOG_FILE))).mode & 0o777).toBe(0o600);
    expectNoSecrets(log.tail(200).join('\n'));
  });

  it('moves a full log aside and starts a new one', async () => {
    await writeFile(join(dir, ERROR_LOG_FILE), 'x'.repeat(600 * 1024));
    new ErrorLog(dir).record('later', new Error('the newest error'));
    expect((await stat(join(dir, `${ERROR_LOG_FILE}.1`))).size).toBe(600 * 1024);
    expect(await readFile(join(dir, ERROR_LOG_FILE), 'utf8')).toContain('the newest error');
  });

  it('receives what a call fails with unexpectedly, and the admin is told where it is', async () => {
    const service = createAdminService(dir, new MemoryCredentialStore());
    try {
      // A bug behind the seam: a method that throws something that is not an AdminError.
      Object.assign(service, {
        getPreferences: () => {
          throw new TypeError(`Cannot read properties of undefined (token=${SECRETS.token})`);
        },
      });
      const reply = await createCallDispatcher(service)('getPreferences', []);
      expect(reply).toMatchObject({ error: { code: 'server-error' } });
      const message = 'error' in reply ? reply.error.message : '';
      expect(message).toContain(join(dir, ERROR_LOG_FILE));
      const logged = await readFile(join(dir, ERROR_LOG_FILE), 'utf8');
      expect(logged).toContain('calling getPreferences: TypeError');
      expectNoSecrets(logged);

      const report = await service.diagnostics();
      expect(report).toContain('Invite Desk');
      expect(report).toContain('calling getPreferences: TypeError');
      expect(report).toContain('Servers: 0');
      expectNoSecrets(report);
      expect((await service.hostInfo()).errorLog).toBe(join(dir, ERROR_LOG_FILE));
    } finally {
      await service.shutdown();
    }
  });
});
