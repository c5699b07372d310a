import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { freePort } from '../helpers/ports';
import { STOCK_MODULES } from '../helpers/prosody';
import { prosodyFixture } from '../helpers/fixtures';
import { withTestService, expectAdminError, profileFor } from '../helpers/session';
import type { UntrustedCertificateDetail } from '../../common/errors';

const admin = { username: 'admin', password: 'admin-password' };
const member = { username: 'member', password: 'member-password' };

describe('connecting as an admin to a real Prosody', () => {
  // Two servers that load different modules, so each must report its own.
  const alphaServer = prosodyFixture({ domain: 'alpha.test', admins: [admin], users: [member] });
  const betaServer = prosodyFixture({ domain: 'beta.test', admins: [admin], modules: ['admin_adhoc'] });

  it('lists the capabilities the server loads', async () => {
    const alpha = alphaServer();
    await withTestService(async (t) => {
      const info = await t.service.connect({ profile: profileFor(alpha, admin), password: admin.password });
      expect(info.domain).toBe('alpha.test');
      expect(info.account).toMatch(/^admin@alpha\.test\/invite-desk-/);
      expect(info.software?.name).toBe('Prosody');
      for (const module of STOCK_MODULES) expect(info.modules).toContain(module);
      expect(info.modules).not.toContain('invite_desk');
      const nodes = info.commands.map((c) => c.node);
      expect(nodes).toContain('urn:xmpp:invite#create-account');
      expect(nodes).toContain('http://prosody.im/protocol/modules#list');
      const state = Object.fromEntries(info.capabilities.map((c) => [c.id, c.state]));
      expect(state).toEqual({
        'account-invites': 'available',
        'contact-invites': 'available',
        'module-list': 'available',
        'user-admin': 'available',
        'watch-registrations': 'available',
        'invite-desk': 'missing',
      });
      expect(info.capabilities.find((c) => c.id === 'invite-desk')?.enable).toContain('"invite_desk"');
      expect(await t.service.serverInfo(info.serverId)).toEqual(info);
      expect(t.statuses.map((s) => s.state)).toEqual(['connecting', 'online']);
    });
  });

  it('saves the profile without the password once the server accepts it', async () => {
    const alpha = alphaServer();
    await withTestService(async (t) => {
      const profile = profileFor(alpha, admin);
      await t.service.connect({ profile, password: admin.password });
      expect(await t.service.listProfiles()).toEqual([{ ...profile, connectAtStart: true, hasSavedCredentials: true, unread: 0 }]);
      const onDisk = await readFile(t.settingsPath, 'utf8');
      expect(onDisk).toContain(profile.jid);
      expect(onDisk).not.toContain(admin.password);
    });
  });

  it('keeps two servers connected at once, each with its own capabilities and status', async () => {
    const alpha = alphaServer();
    const beta = betaServer();
    await withTestService(async (t) => {
      const a = profileFor(alpha, admin);
      const b = profileFor(beta, admin);
      const [infoA, infoB] = await Promise.all([
        t.service.connect({ profile: a, password: admin.password }),
        t.service.connect({ profile: b, password: admin.password }),
      ]);
      expect(infoA.capabilities.find((c) => c.id === 'account-invites')?.state).toBe('available');
      expect(infoB.capabilities.find((c) => c.id === 'account-invites')?.state).toBe('missing');
      expect(infoB.modules).not.toContain('invites');

      await t.service.disconnect(a.id);
      const statuses = Object.fromEntries((await t.service.connectionStatuses()).map((s) => [s.serverId, s.state]));
      expect(statuses).toEqual({ [a.id]: 'offline', [b.id]: 'online' });
      expect((await t.service.serverInfo(b.id)).domain).toBe('beta.test');
      expect((await expectAdminError(t.service.serverInfo(a.id))).code).toBe('not-connected');
      const offline = t.statuses.filter((s) => s.serverId === a.id).at(-1);
      expect(offline).toMatchObject({ state: 'offline', reason: 'Disconnected.' });
    });
  });

  it('connects over direct TLS when the profile asks for it', async () => {
    const alpha = alphaServer();
    await withTestService(async (t) => {
      const profile = profileFor(alpha, admin, { address: `127.0.0.1:${alpha.directTlsPort}`, directTls: true });
      const info = await t.service.connect({ profile, password: admin.password });
      expect(info.domain).toBe('alpha.test');
    });
  });

  it('refuses a wrong password with auth-failed and saves nothing', async () => {
    const alpha = alphaServer();
    await withTestService(async (t) => {
      const error = await expectAdminError(t.service.connect({ profile: profileFor(alpha, admin), password: 'not-the-password' }));
      expect(error.code).toBe('auth-failed');
      expect(error.message).toContain('admin@alpha.test');
      expect(await t.service.listProfiles()).toEqual([]);
      expect(t.statuses.at(-1)?.state).toBe('offline');
    });
  });

  it('refuses an account that is not an admin with not-admin', async () => {
    const alpha = alphaServer();
    await withTestService(async (t) => {
      const error = await expectAdminError(t.service.connect({ profile: profileFor(alpha, member), password: member.password }));
      expect(error.code).toBe('not-admin');
      expect(error.message).toContain('admins = { "member@alpha.test" }');
    });
  });

  it('reports a closed port as unreachable', async () => {
    const alpha = alphaServer();
    await withTestService(async (t) => {
      const port = await freePort();
      const error = await expectAdminError(t.service.connect({ profile: profileFor(alpha, admin, { address: `127.0.0.1:${port}` }), password: admin.password }));
      expect(error.code).toBe('unreachable');
      expect(error.message).toContain(`127.0.0.1:${port}`);
    });
  });
});

describe('certificate trust', () => {
  const selfSignedServer = prosodyFixture({ domain: 'selfsigned.test', admins: [admin], modules: ['admin_adhoc'] });

  it('refuses an untrusted certificate, accepts it once trusted, and refuses a different one later', async () => {
    const server = selfSignedServer();
    await withTestService(async (t) => {
      const untrusted = profileFor(server, admin, { trustedFingerprint: undefined });
      delete untrusted.trustedFingerprint;
      const refusal = await expectAdminError(t.service.connect({ profile: untrusted, password: admin.password }));
      expect(refusal.code).toBe('tls-untrusted');
      const detail = refusal.detail as UntrustedCertificateDetail;
      expect(detail.fingerprint).toBe(server.certificateFingerprint());
      expect(detail.subject).toContain('CN=selfsigned.test');
      expect(detail.reason).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');

      const trusted = { ...untrusted, trustedFingerprint: detail.fingerprint };
      const info = await t.service.connect({ profile: trusted, password: admin.password });
      expect(info.domain).toBe('selfsigned.test');
      await t.service.disconnect(trusted.id);

      const oldFingerprint = server.certificateFingerprint();
      await server.replaceCertificate();
      expect(server.certificateFingerprint()).not.toBe(oldFingerprint);
      const again = await expectAdminError(t.service.connect({ profile: trusted, password: admin.password }));
      expect(again.code).toBe('tls-untrusted');
      expect(again.detail).toMatchObject({ fingerprint: server.certificateFingerprint(), previouslyTrusted: oldFingerprint });
      expect(again.message).toContain('different certificate');
    });
  });
});
