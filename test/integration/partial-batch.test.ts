import { describe, expect, it } from 'vitest';
import type { IqCaller } from '@xmpp/iq/caller.js';
import { AdminError } from '../../common/errors';
import { invitesMadeBeforeFailure } from '../../common/partial-batch';
import { NODES } from '../../electron/core/capabilities';
import { createStockInvites } from '../../electron/core/features/invites';
import { startProsody } from '../helpers/prosody';
import { registerAccount } from '../helpers/raw-register';
import { otherClient } from '../helpers/session';

/**
 * A stock batch that fails partway (here: the server is killed after a few
 * invites) reports the failure and still returns the invites it made, which
 * exist on the server and work.
 */

const admin = { username: 'admin', password: 'admin-password' };

describe('a stock batch that fails partway', () => {
  it('returns the invites made before the failure, with the error, and they work', async () => {
    const server = await startProsody({ domain: 'partial.test', admins: [admin] });
    const client = await otherClient(server, admin, 'desk');
    try {
      let answered = 0;
      // The real session's requester, counting replies: after the fifth invite the server dies.
      const iq: IqCaller = {
        async request(stanza, timeoutMs) {
          const reply = await client.iqCaller.request(stanza, timeoutMs);
          if (reply.getChild('command')?.attrs.status === 'completed' && ++answered === 5) server.signal('SIGKILL');
          return reply;
        },
      };
      const ctx = { serverId: 'partial', account: `admin@${server.domain}`, domain: server.domain, iq, timeoutMs: 10_000, commands: new Set([NODES.createAccountInvite]) };
      const failure = await createStockInvites(ctx, 'account', 40, 2).then(
        () => new Error('the batch did not fail'),
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(AdminError);
      const error = failure as AdminError;
      const made = invitesMadeBeforeFailure(error.detail);
      expect(made.length).toBeGreaterThanOrEqual(5);
      expect(made.length).toBeLessThan(40);
      expect(error.message).toContain(`${made.length} of 40 invites were made`);
      expect(new Set(made.map((i) => i.token)).size).toBe(made.length);

      // They exist on the server: once it is back, each one signs a member up.
      await server.restart();
      for (const [i, invite] of made.slice(0, 3).entries()) {
        expect(await registerAccount({ port: server.c2sPort, domain: server.domain, username: `kept${i}`, password: 'pw-kept', token: invite.token })).toEqual({ ok: true });
      }
    } finally {
      await client.entity.stop().catch(() => undefined);
      await server.stop();
    }
  });

  it('reads no invites out of an error detail that does not hold them', () => {
    expect(invitesMadeBeforeFailure(undefined)).toEqual([]);
    expect(invitesMadeBeforeFailure({ created: 'nope' })).toEqual([]);
    expect(invitesMadeBeforeFailure({ created: [{ uri: 1 }, null, { uri: 'xmpp:a', token: 't', kind: 'account', serverId: 's', createdAt: '' }] })).toHaveLength(1);
  });
});
