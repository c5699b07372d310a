import type { ChildProcess } from 'node:child_process';
import { readFile, readdir, readlink } from 'node:fs/promises';
import { connect, createServer } from 'node:net';

/**
 * Ports for the servers the tests start. Several test runs start servers at
 * once (the two Prosody versions run side by side), so a port handed out here
 * may be taken by another process before the server that was meant to bind it
 * does: ports come from outside the range the system hands to outgoing
 * connections, at random, and a started server is checked to hold its own.
 */

// Linux hands outgoing connections and `listen(0)` ports from 32768 up: below
// it, a port stays free until someone asks for it by number.
const FIRST = 20_000;
const LAST = 32_000;

function tryListen(port: number): Promise<boolean> {
  return new Promise((resolveFree) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolveFree(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolveFree(true)));
  });
}

/** A port on 127.0.0.1 that nothing listens on now. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = FIRST + Math.floor(Math.random() * (LAST - FIRST));
    if (await tryListen(port)) return port;
  }
  throw new Error(`No free port between ${FIRST} and ${LAST} on 127.0.0.1`);
}

/** Resolves once `child` (Prosody unless `name` says otherwise) accepts connections on `port`. */
export function waitForPort(port: number, child: ChildProcess, timeoutMs: number, name = 'prosody'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolveReady, reject) => {
    const attempt = (): void => {
      if (child.exitCode !== null) {
        reject(new Error(`${name} exited with code ${child.exitCode} before listening`));
        return;
      }
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolveReady();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`${name} did not listen on ${port} within ${timeoutMs} ms`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

/**
 * Whether process `pid` itself listens on TCP `port`: a connection that
 * succeeds may have reached another process that took the port first.
 * Reads Linux's socket table and the process's open files.
 */
export async function listensOn(pid: number, port: number): Promise<boolean> {
  const LISTEN = '0A';
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const tables = await Promise.all(['/proc/net/tcp', '/proc/net/tcp6'].map((path) => readFile(path, 'utf8').catch(() => '')));
  const sockets = new Set<string>();
  for (const line of tables.flatMap((table) => table.split('\n').slice(1))) {
    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
    const fields = line.trim().split(/\s+/);
    const [, local, , state, , , , , , inode] = fields;
    if (local?.endsWith(`:${hexPort}`) && state === LISTEN && inode) sockets.add(`socket:[${inode}]`);
  }
  if (sockets.size === 0) return false;
  const descriptors = await readdir(`/proc/${pid}/fd`).catch(() => []);
  const targets = await Promise.all(descriptors.map((fd) => readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')));
  return targets.some((target) => sockets.has(target));
}
