import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, listensOn, waitForPort } from '../helpers/ports';

const listening: Server[] = [];
afterEach(async () => {
  await Promise.all(listening.splice(0).map((server) => new Promise((done) => server.close(done))));
});

async function listenHere(port: number): Promise<void> {
  const server = createServer();
  listening.push(server);
  await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
}

describe('ports for test servers', () => {
  it('hands out a port below the outgoing range that nothing listens on, then tells whose it is', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThanOrEqual(20_000);
    expect(port).toBeLessThan(32_768);
    expect(await listensOn(process.pid, port)).toBe(false);
    await listenHere(port);
    expect(await listensOn(process.pid, port)).toBe(true);
  });

  it('says a port another process took is not this one\'s, although connections to it succeed', async () => {
    const port = await freePort();
    const other = spawn(process.execPath, ['-e', `require('node:net').createServer().listen(${port}, '127.0.0.1')`], { stdio: 'ignore' });
    try {
      await waitForPort(port, other, 20_000, 'node');
      expect(await listensOn(other.pid ?? -1, port)).toBe(true);
      expect(await listensOn(process.pid, port)).toBe(false);
    } finally {
      other.kill();
    }
  });
});
