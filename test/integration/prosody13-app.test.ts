import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { toAdminErrorShape } from '../../common/errors';
import { probeServer } from '../../electron/core/features/probe';
import { listCommands } from '../../electron/core/xmpp/disco';
import { prosodyFixture } from '../helpers/fixtures';
import { PROJECT_PLUGIN_PATH, prosodyFlavour, STOCK_MODULES, type Account, type ProsodyServer, WITH_INVITE_DESK } from '../helpers/prosody';
import { registerAccount } from '../helpers/raw-register';
import { createTestService, expectAdminError, profileFor, testClient, withTestService } from '../helpers/session';

/**
 * What the app does with what Prosody 13 offers, and the message it gives on
 * 0.12 instead. Every test runs on the server the helpers start
 * (INVITE_DESK_PROSODY) and asserts that version's behaviour.
 */

const admin = { username: 'admin', password: 'admin-password' };
const run = promisify(execFile);

/** Signs in as `account` with a fresh service and returns the error, or 'signed-in-as-admin'. */
async function signInOutcome(server: ProsodyServer, account: Account): Promise<string> {
  const t = await createTestService();
  try {
    await t.service.connect({ profile: profileFor(server, account), password: account.password });
    return 'signed-in-as-admin';
  } catch (error) {
    const shape = toAdminErrorShape(error);
    return `${shape.code}: ${shape.message}`;
  } finally {
    await t.dispose();
  }
}

describe('sign-in with SCRAM channel binding', () => {
  const sha256 = prosodyFixture({ domain: 'plus.test', admins: [admin], extraConfig: 'password_hash = "SHA-256"' });
  // TLS 1.2 has no tls-exporter, so a 13 server that announces its certificate's hash offers tls-server-end-point.
  const endPoint = prosodyFixture({
    domain: 'endpoint.test',
    admins: [admin],
    extraConfig: 'tls_server_end_point_hash = "auto"\nssl = { protocol = "tlsv1_2" }',
  });

  it('uses SCRAM-SHA-256-PLUS with tls-exporter on 13, over STARTTLS, direct TLS, and with the saved keys', async () => {
    const server = sha256();
    await withTestService(async (t) => {
      const expected = server.version === '13' ? { mechanism: 'SCRAM-SHA-256-PLUS', channelBinding: 'tls-exporter' } : { mechanism: 'SCRAM-SHA-256' };
      const profile = profileFor(server, admin);
      expect((await t.service.connect({ profile, password: admin.password })).signIn).toEqual(expected);
      await t.service.disconnect(profile.id);
      // Saved salted keys, no password.
      expect((await t.service.connect({ profile })).signIn).toEqual(expected);
      const direct = profileFor(server, admin, { id: 'plus-direct', address: `${server.host}:${server.directTlsPort}`, directTls: true });
      expect((await t.service.connect({ profile: direct, password: admin.password })).signIn).toEqual(expected);
    });
  });

  it('uses tls-server-end-point where the exporter is not available', async () => {
    const server = endPoint();
    await withTestService(async (t) => {
      const profile = profileFor(server, admin);
      const info = await t.service.connect({ profile, password: admin.password });
      // 0.12 offers SCRAM-SHA-1-PLUS over TLS 1.2 with tls-unique only, which the app does not bind with.
      expect(info.signIn).toEqual(server.version === '13' ? { mechanism: 'SCRAM-SHA-1-PLUS', channelBinding: 'tls-server-end-point' } : { mechanism: 'SCRAM-SHA-1' });
      await t.service.disconnect(profile.id);
      // Prosody 13.0.1 resolves "auto" for the first session after start only, then stops offering the type.
      await server.restart();
      expect((await t.service.connect({ profile })).signIn).toEqual(info.signIn);
    });
  });
});

describe('account actions tell the truth', () => {
  const users = [
    { username: 'noisy', password: 'noisy-password' },
    { username: 'spammer', password: 'spam' },
  ];
  const actions = prosodyFixture({ domain: 'truth.test', admins: [admin], users });

  it('reports deleting or ending the sessions of an account that does not exist as an error', async () => {
    const server = actions();
    await withTestService(async (t) => {
      const profile = profileFor(server, admin);
      await t.service.connect({ profile, password: admin.password });
      const ghost = `ghost@${server.domain}`;
      const deleted = await expectAdminError(t.service.deleteAccount({ serverId: profile.id, jid: ghost }));
      expect(deleted.code).toBe('invalid-input');
      expect(deleted.message).toContain(`no account ${ghost}`);
      expect((await expectAdminError(t.service.endSessions({ serverId: profile.id, jid: ghost }))).code).toBe('invalid-input');
      // A real one still works, and is gone afterwards: deleting it twice is an error the second time.
      await t.service.deleteAccount({ serverId: profile.id, jid: `spammer@${server.domain}` });
      expect((await expectAdminError(t.service.deleteAccount({ serverId: profile.id, jid: `spammer@${server.domain}` }))).code).toBe('invalid-input');
      expect(await t.service.accountStates({ serverId: profile.id, jids: [`spammer@${server.domain}`] })).toEqual([{ jid: `spammer@${server.domain}`, state: 'deleted', source: 'record' }]);
    });
  });

  it('disables and re-enables an account on 13, and says what to do instead on 0.12', async () => {
    const server = actions();
    const noisy = users[0] as Account;
    await withTestService(async (t) => {
      const profile = profileFor(server, admin);
      await t.service.connect({ profile, password: admin.password });
      const jid = `${noisy.username}@${server.domain}`;
      if (server.version === '0.12') {
        for (const call of [t.service.disableAccount({ serverId: profile.id, jid }), t.service.enableAccount({ serverId: profile.id, jid })]) {
          const error = await expectAdminError(call);
          expect(error.code).toBe('feature-missing');
          expect(error.message).toContain('upgrade to Prosody 13');
          expect(error.message).toContain('prosodyctl passwd');
        }
        return;
      }
      await t.service.disableAccount({ serverId: profile.id, jid });
      // Without the module the server cannot say; what Invite Desk did is kept with the server's settings, and survives a restart.
      expect(await t.service.accountStates({ serverId: profile.id, jids: [jid] })).toEqual([{ jid, state: 'disabled', source: 'record' }]);
      const again = await createTestService({}, t.home);
      expect(await again.service.accountStates({ serverId: profile.id, jids: [jid] })).toEqual([{ jid, state: 'disabled', source: 'record' }]);
      await again.service.shutdown();
      const refused = await signInOutcome(server, noisy);
      expect(refused).toContain('auth-failed');
      expect(refused).toContain(`prosodyctl shell user enable ${jid}`);
      await t.service.enableAccount({ serverId: profile.id, jid });
      expect(await t.service.accountStates({ serverId: profile.id, jids: [jid] })).toEqual([{ jid, state: 'unknown', source: 'record' }]);
      // It signs in again; it is just not an admin.
      expect(await signInOutcome(server, noisy)).toMatch(/^not-admin/);

      const ghost = `ghost@${server.domain}`;
      for (const call of [t.service.disableAccount({ serverId: profile.id, jid: ghost }), t.service.enableAccount({ serverId: profile.id, jid: ghost })]) {
        const error = await expectAdminError(call);
        expect(error.code).toBe('invalid-input');
        expect(error.message).toContain('prosodyctl shell user');
      }
    });
  });
});

describe('password-reset invites without the module', () => {
  const forgetful = { username: 'forgetful', password: 'old-password' };
  const stock = prosodyFixture({ domain: 'reset.test', admins: [admin], users: [forgetful] });

  it('makes a stock reset invite on 13 that sets a new password, and names what is needed on 0.12', async () => {
    const server = stock();
    await withTestService(async (t) => {
      const profile = profileFor(server, admin);
      await t.service.connect({ profile, password: admin.password });
      const request = { serverId: profile.id, kind: 'reset' as const, username: forgetful.username };
      if (server.version === '0.12') {
        const error = await expectAdminError(t.service.createInvites(request));
        expect(error.code).toBe('feature-missing');
        expect(error.message).toContain('Prosody 13');
        expect(error.message).toContain('"invite_desk"');
        return;
      }
      const [invite] = await t.service.createInvites(request);
      expect(invite).toMatchObject({ kind: 'reset' });
      expect(invite?.uri).toBe(`xmpp:forgetful@${server.domain}?register;preauth=${invite?.token}`);
      // A day, as Prosody's default for resets.
      expect(Date.parse(invite?.expires ?? '') - Date.now()).toBeGreaterThan(23 * 3600_000);
      const reset = await registerAccount({ port: server.c2sPort, domain: server.domain, username: forgetful.username, password: 'new-password', token: invite?.token ?? '' });
      expect(reset).toEqual({ ok: true });
      expect(await signInOutcome(server, { ...forgetful, password: 'new-password' })).toMatch(/^not-admin/);
      expect(await signInOutcome(server, forgetful)).toMatch(/^auth-failed/);

      const nobody = await expectAdminError(t.service.createInvites({ ...request, username: 'nobody' }));
      expect(nobody.code).toBe('invalid-input');
      expect(nobody.message).toContain(`no account nobody@${server.domain}`);
      expect((await expectAdminError(t.service.createInvites({ ...request, count: 2 }))).code).toBe('invalid-input');
      expect((await expectAdminError(t.service.createInvites({ ...request, note: 'x' }))).code).toBe('feature-missing');
    });
  });
});

describe('admin detection with roles and permissions', () => {
  const helper = { username: 'helper', password: 'helper-password' };
  // On 13, an ordinary account may be granted single admin commands; 0.12 ignores this option.
  const granted = prosodyFixture({
    domain: 'perms.test',
    admins: [admin],
    users: [helper],
    extraConfig: 'add_permissions = { ["prosody:registered"] = { "adhoc:http://prosody.im/protocol/modules#list", "adhoc:http://jabber.org/protocol/admin#delete-user" } }',
  });

  it('does not take an account granted a few admin commands for an admin', async () => {
    const server = granted();
    const client = testClient(server, helper, 'probe');
    client.entity.on('error', () => undefined);
    await client.entity.start();
    try {
      const nodes = (await listCommands(client.iqCaller, server.domain, 10_000)).map((c) => c.node);
      // The case is real on 13: the server does list them to this account.
      expect(nodes.includes('http://prosody.im/protocol/modules#list')).toBe(server.version === '13');
    } finally {
      await client.entity.stop();
    }
    expect(await signInOutcome(server, helper)).toMatch(/^not-admin: helper@perms\.test is not an administrator/);
    expect(await signInOutcome(server, admin)).toBe('signed-in-as-admin');
  });
});

describe("admin rights by the module's own permission", () => {
  const helper = { username: 'helper', password: 'helper-password' };
  const moduleOptions = { admins: [admin], users: [helper], ...WITH_INVITE_DESK };
  // On 13 a role gets the module's permission without any stock admin command; 0.12 ignores these options.
  const granted = prosodyFixture({ ...moduleOptions, domain: 'granted.test', extraConfig: 'add_permissions = { ["prosody:registered"] = { "invite_desk:administer" } }' });
  const denied = prosodyFixture({ ...moduleOptions, domain: 'denied.test', extraConfig: 'remove_permissions = { ["prosody:admin"] = { "invite_desk:administer" } }' });

  it('takes an account the module lets administer it for an admin, stock commands or not', async () => {
    const server = granted();
    if (server.version === '0.12') {
      expect(await signInOutcome(server, helper)).toMatch(/^not-admin/);
      return;
    }
    const t = await createTestService();
    try {
      const profile = profileFor(server, helper);
      const info = await t.service.connect({ profile, password: helper.password });
      // Not one of the stock commands that would make it an admin.
      expect(info.commands.map((c) => c.node)).not.toContain('urn:xmpp:invite#create-account');
      expect((await t.service.createInvites({ serverId: profile.id, kind: 'account', note: 'by a helper' })).length).toBe(1);
    } finally {
      await t.dispose();
    }
  });

  it('refuses an admin the module refuses, with what to grant', async () => {
    const server = denied();
    // The probe itself, as the session's own refusal is reworded with the server's setup steps.
    const client = testClient(server, admin, 'probe');
    client.entity.on('error', () => undefined);
    await client.entity.start();
    try {
      const probing = probeServer(client.iqCaller, 'denied', `${admin.username}@${server.domain}/probe`, server.domain, 10_000);
      if (server.version === '0.12') {
        expect((await probing).domain).toBe(server.domain);
      } else {
        const error = await expectAdminError(probing);
        expect(error.code).toBe('not-admin');
        expect(error.message).toContain('the Invite Desk module refused it');
        expect(error.message).toContain('invite_desk:administer');
      }
    } finally {
      await client.entity.stop();
    }
    expect(await signInOutcome(server, admin)).toMatch(server.version === '0.12' ? /^signed-in-as-admin$/ : /^not-admin/);
  });
});

describe('roles for new invites', () => {
  const member = { username: 'member', password: 'member-password' };
  const withModule = prosodyFixture({
    domain: 'roles.test',
    admins: [admin],
    users: [member],
    modules: [...STOCK_MODULES, 'invite_desk'],
    pluginPaths: [PROJECT_PLUGIN_PATH],
    extraConfig: 'custom_roles = { { name = "community:helper", priority = 30, inherits = { "prosody:registered" } } }',
  });
  const stock = prosodyFixture({ domain: 'noroles.test', admins: [admin] });

  it("offers the server's roles with the module, and grants a custom one on 13", async () => {
    const server = withModule();
    await withTestService(async (t) => {
      const profile = profileFor(server, admin);
      const info = await t.service.connect({ profile, password: admin.password });
      if (server.version === '0.12') {
        // Ranked as 13 ranks them; the config's admins administer the whole server, as operators do on 13.
        expect(info.inviteRoles).toEqual(['prosody:guest', 'prosody:registered', 'prosody:member', 'prosody:admin', 'prosody:operator']);
      } else {
        expect(info.inviteRoles).toEqual(expect.arrayContaining(['prosody:registered', 'prosody:member', 'prosody:admin']));
        const [invite] = await t.service.createInvites({ serverId: profile.id, kind: 'account', role: 'community:helper' });
        expect(await registerAccount({ port: server.c2sPort, domain: server.domain, username: 'newhelper', password: 'pw-newhelper', token: invite?.token ?? '' })).toEqual({ ok: true });
        const { stdout } = await run(prosodyFlavour().prosodyctl, ['--config', server.configPath, 'shell', 'user', 'role', `newhelper@${server.domain}`]);
        expect(stdout).toContain('community:helper');
      }
    });
  });

  it('offers no roles where invites cannot carry one', async () => {
    const server = stock();
    await withTestService(async (t) => {
      const info = await t.service.connect({ profile: profileFor(server, admin), password: admin.password });
      expect(info.inviteRoles).toBeUndefined();
    });
  });
});
