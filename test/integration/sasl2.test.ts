import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createXmppClient, startClient, type XmppClient } from '../../electron/core/xmpp/client';
import { signInMethodOf } from '../../electron/core/xmpp/sasl';
import type { SaltedCredentials, ScramSecret } from '../../electron/core/xmpp/scram-client';
import { prosodyFixture } from '../helpers/fixtures';
import { isProsody13Installed, prosodyFlavour, STOCK_MODULES, type ProsodyServer } from '../helpers/prosody';
import { profileFor, withTestService } from '../helpers/session';

/**
 * SASL2 (XEP-0388) with Bind2 (XEP-0386) and FAST tokens (XEP-0484) on
 * Prosody 13 with the community modules, and the classic path where they
 * are missing.
 */

const admin = { username: 'admin', password: 'admin-password' };
const SASL2_MODULES = ['sasl2', 'sasl2_bind2', 'sasl2_fast'];

function client(server: ProsodyServer, secret: ScramSecret, directTls: boolean, onSaltedCredentials?: (c: SaltedCredentials) => void): XmppClient {
  const made = createXmppClient({
    host: server.host,
    port: directTls ? server.directTlsPort : server.c2sPort,
    directTls,
    domain: server.domain,
    username: admin.username,
    secret,
    resource: 'test',
    trustedFingerprint: server.certificateFingerprint(),
    streamTimeoutMs: 10_000,
    ...(onSaltedCredentials ? { onSaltedCredentials } : {}),
  });
  made.entity.on('error', () => undefined);
  return made;
}

/** Signs in, and returns how, the keys it was given, and the bound address; then signs out. */
async function signIn(server: ProsodyServer, secret: ScramSecret, directTls = false): Promise<{ method: ReturnType<typeof signInMethodOf>; keys?: SaltedCredentials; jid: string }> {
  let keys: SaltedCredentials | undefined;
  const c = client(server, secret, directTls, (k) => (keys = k));
  try {
    await startClient(c);
    return { method: signInMethodOf(c.entity), jid: String(c.entity.jid), ...(keys ? { keys } : {}) };
  } finally {
    await c.entity.stop().catch(() => undefined);
  }
}

if (!isProsody13Installed()) console.log('Prosody 13 is not installed (scripts/install-prosody-13.sh): the SASL2 tests on 13 are skipped.');

describe.skipIf(!isProsody13Installed())('SASL2, Bind2 and FAST on Prosody 13 with mod_sasl2, mod_sasl2_bind2 and mod_sasl2_fast', () => {
  const server = prosodyFixture({ version: '13', domain: 'sasl2.test', admins: [admin], modules: [...STOCK_MODULES, ...SASL2_MODULES], pluginPaths: [prosodyFlavour('13').moduleDir] });

  it('signs in with SASL2 and an inline Bind2, over STARTTLS and direct TLS, and receives a FAST token', async () => {
    for (const directTls of [false, true]) {
      const first = await signIn(server(), { password: admin.password }, directTls);
      expect(first.method).toEqual({ mechanism: 'SCRAM-SHA-1-PLUS', channelBinding: 'tls-exporter', protocol: 'sasl2' });
      // Bind2 made the resource from our tag: bound without a resource-binding request.
      expect(first.jid).toMatch(new RegExp(`^admin@sasl2\\.test/invite-desk.+`));
      expect(first.keys?.fast).toMatchObject({ mechanism: 'HT-SHA-256-EXPR', token: expect.any(String) as unknown });
    }
  });

  it('signs in with the FAST token alone, and the server refuses it once the password changed', async () => {
    const { keys } = await signIn(server(), { password: admin.password });
    if (!keys?.fast) throw new Error('no FAST token was issued');
    // Keys that cannot sign in: only the token can.
    const tokenOnly: SaltedCredentials = { ...keys, clientKey: Buffer.alloc(20).toString('base64'), serverKey: Buffer.alloc(20).toString('base64') };
    const withToken = await signIn(server(), { salted: tokenOnly }, true);
    expect(withToken.method).toEqual({ mechanism: 'HT-SHA-256-EXPR', protocol: 'sasl2' });

    // Prosody stores the time of a password change in whole seconds and compares it with the token's exact issue
    // time: a change within the second the token was issued would not count as later. Change it a second later.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    // Registering an existing account sets a new password.
    await server().register({ username: admin.username, password: 'changed-password' });
    try {
      await expect(signIn(server(), { salted: tokenOnly }, true)).rejects.toThrow();
    } finally {
      await server().register(admin);
    }
  });

  it('seals the FAST token with the keys, and the next connect signs in with it', async () => {
    await withTestService(async (t) => {
      const profile = profileFor(server(), admin);
      const info = await t.service.connect({ profile, password: admin.password });
      expect(info.signIn).toMatchObject({ mechanism: 'SCRAM-SHA-1-PLUS', protocol: 'sasl2' });
      await t.service.disconnect(profile.id);

      const file = await readFile(join(t.home, 'credentials.json'), 'utf8');
      expect(file).not.toContain('secret-token');
      expect(file).not.toContain('HT-SHA-256');

      const again = await t.service.connect({ profile });
      expect(again.signIn).toEqual({ mechanism: 'HT-SHA-256-EXPR', protocol: 'sasl2' });
    });
  });
});

describe('the classic path where SASL2 with Bind2 is not offered', () => {
  const server = prosodyFixture({ version: '0.12', domain: 'classic.test', admins: [admin] });

  it('signs in with SASL, a stream restart and resource binding on Prosody 0.12, and keeps no FAST token', async () => {
    const first = await signIn(server(), { password: admin.password });
    expect(first.method).toEqual({ mechanism: 'SCRAM-SHA-1' });
    expect(first.jid).toBe('admin@classic.test/test');
    expect(first.keys).toBeDefined();
    expect(first.keys?.fast).toBeUndefined();
    const saved = await signIn(server(), { salted: first.keys as SaltedCredentials }, true);
    expect(saved.method).toEqual({ mechanism: 'SCRAM-SHA-1' });
  });
});

describe.skipIf(!isProsody13Installed())('the classic path on Prosody 13 without the SASL2 modules', () => {
  const server = prosodyFixture({ version: '13', domain: 'classic13.test', admins: [admin] });

  it('signs in with SASL and resource binding', async () => {
    const first = await signIn(server(), { password: admin.password });
    expect(first.method).toEqual({ mechanism: 'SCRAM-SHA-1-PLUS', channelBinding: 'tls-exporter' });
    expect(first.keys?.fast).toBeUndefined();
  });
});
