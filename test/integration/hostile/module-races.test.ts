import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prosodyFixture } from '../../helpers/fixtures';
import { WITH_INVITE_DESK } from '../../helpers/prosody';
import { signUp } from '../../helpers/raw-register';
import { createTestService, profileFor, type TestService } from '../../helpers/session';

/**
 * mod_invite_desk's rules where a hostile or lucky member races them: many
 * sign-ups at once on one invite, and an invite revoked or expired between
 * the moment its token is accepted (preauth) and the moment the account is
 * created. The server must hold every rule at the last moment.
 */

const admin = { username: 'admin', password: 'admin-password' };
const server = prosodyFixture({ domain: 'races.test', admins: [admin], ...WITH_INVITE_DESK });

let t: TestService;
let serverId = '';
beforeAll(async () => {
  t = await createTestService();
  const profile = profileFor(server(), admin);
  serverId = profile.id;
  await t.service.connect({ profile, password: admin.password });
});
afterAll(async () => {
  await t.dispose();
});


async function invite(options: { maxUses?: number; username?: string; expiresInSeconds?: number } = {}): Promise<{ id: string; token: string }> {
  const [made] = await t.service.createInvites({ serverId, kind: 'account', ...options });
  if (!made?.id) throw new Error('no invite from the module');
  return { id: made.id, token: made.token };
}

describe('the module under concurrent and late sign-ups', () => {
  it('lets exactly as many accounts in as the use limit, however many try at once', async () => {
    const { token } = await invite({ maxUses: 3 });
    const outcomes = await Promise.all(Array.from({ length: 12 }, (_, i) => signUp(server(), `rush${i}`, token)));
    expect(outcomes.filter((o) => o.ok)).toHaveLength(3);
  });

  it('refuses an account when the invite is revoked after its token was accepted', async () => {
    const { id, token } = await invite();
    const outcome = await signUp(server(), 'latecomer', token, {
      afterPreauth: async () => {
        expect(await t.service.revokeInvites({ serverId, ids: [id] })).toEqual({ revoked: 1 });
      },
    });
    expect(outcome).toMatchObject({ ok: false, stage: 'register' });
  });

  it('refuses an account when the invite expires after its token was accepted', async () => {
    const { token } = await invite({ expiresInSeconds: 2 });
    const outcome = await signUp(server(), 'slowpoke', token, { afterPreauth: () => new Promise((resolve) => setTimeout(resolve, 3_000)) });
    expect(outcome).toMatchObject({ ok: false, stage: 'register' });
  });

  it('lets only the bound name in, even when others race it', async () => {
    const { token } = await invite({ username: 'alice' });
    const [impostor, alice, second] = await Promise.all([signUp(server(), 'mallory', token), signUp(server(), 'alice', token), signUp(server(), 'eve', token)]);
    expect(impostor.ok).toBe(false);
    expect(second.ok).toBe(false);
    expect(alice).toEqual({ ok: true });
  });

  it('lets a single-use invite in once when two members race with it', async () => {
    const { token } = await invite({ maxUses: 1 });
    const outcomes = await Promise.all([signUp(server(), 'twin1', token), signUp(server(), 'twin2', token)]);
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
  });
});
