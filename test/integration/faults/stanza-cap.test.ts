import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server, type Socket } from 'node:net';
import { prosodyFixture } from '../../helpers/fixtures';
import { createTestService, expectAdminError, profileFor, type TestService } from '../../helpers/session';

/**
 * A server that sends one stanza without end: the app ends that one
 * connection with `server-error`, saying why, once the stanza passes 16 MB,
 * and every other session goes on. Stock, the main process buffers it until
 * its memory runs out, and every session dies with it.
 */

const admin = { username: 'admin', password: 'admin-password' };
const good = prosodyFixture({ domain: 'steady.test', admins: [admin] });

let endless: Server;
let port = 0;
const sockets = new Set<Socket>();
let sent = 0;
beforeAll(async () => {
  endless = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.once('data', () => {
      socket.write("<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='x' from='endless.test' version='1.0'><stream:features><x>");
      const chunk = 'A'.repeat(64 * 1024);
      // As fast as the socket takes it, until the client hangs up.
      const pour = (): void => {
        while (!socket.destroyed && sent < 64 * 1024 * 1024) {
          sent += chunk.length;
          if (!socket.write(chunk)) return void socket.once('drain', pour);
        }
      };
      pour();
    });
  });
  await new Promise<void>((resolve) => endless.listen(0, '127.0.0.1', resolve));
  const address = endless.address();
  port = typeof address === 'object' && address ? address.port : 0;
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => endless.close(resolve));
});

describe('a server that sends a stanza without end', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await createTestService();
  });
  afterAll(() => t.dispose());

  it('ends that connection with server-error past 16 MB, and the other servers go on', async () => {
    const steady = profileFor(good(), admin);
    await t.service.connect({ profile: steady, password: admin.password });
    const error = await expectAdminError(t.service.connect({ profile: { id: 'endless', jid: 'admin@endless.test', address: `127.0.0.1:${port}` }, password: 'x' }));
    expect(error).toMatchObject({ code: 'server-error', message: expect.stringContaining('sent a stanza larger than 16 MB') as unknown });
    // It stopped reading: far less than the server would have poured.
    expect(sent).toBeLessThan(64 * 1024 * 1024);
    expect(await t.service.createInvites({ serverId: steady.id, kind: 'account' })).toHaveLength(1);
  });
});
