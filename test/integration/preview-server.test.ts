import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import WebSocket from 'ws';
import { runPreview, type RunningPreview } from '../../electron/preview/run';

interface HttpReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens the API socket; resolves with the HTTP status of a refused upgrade, or the open socket. */
function openSocket(port: number, headers: Record<string, string>): Promise<{ socket?: WebSocket; status?: number }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/api`, { headers });
    socket.once('open', () => resolve({ socket }));
    socket.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode });
      socket.terminate();
    });
    socket.once('error', (error) => reject(error));
  });
}

function call(socket: WebSocket, message: unknown): Promise<unknown> {
  return new Promise((resolve) => {
    socket.once('message', (data: Buffer) => resolve(JSON.parse(data.toString())));
    socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  });
}

describe('the browser preview host', () => {
  let preview: RunningPreview | undefined;
  let home = '';
  const running = (): RunningPreview => {
    if (!preview) throw new Error('preview did not start');
    return preview;
  };

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'invite-desk-preview-'));
    preview = await runPreview({ home, port: 0 });
  });
  afterAll(async () => {
    await preview?.stop();
    await rm(home, { recursive: true, force: true });
  });

  const origin = (): string => `http://127.0.0.1:${running().server.port}`;
  const cookie = (): string => `invite_desk_session=${running().server.token}`;

  it('listens on 127.0.0.1 and prints a URL that carries the token', () => {
    const { url, token, port } = running().server;
    expect(url).toBe(`http://127.0.0.1:${port}/?token=${token}`);
    expect(token.length).toBeGreaterThanOrEqual(32);
  });

  it('refuses a page request without the token', async () => {
    const reply = await get(running().server.port, '/');
    expect(reply.status).toBe(403);
    expect(reply.body).toContain('npm run preview');
    expect((await get(running().server.port, '/?token=wrong')).status).toBe(403);
    expect((await get(running().server.port, '/', { Cookie: 'invite_desk_session=wrong' })).status).toBe(403);
  });

  it('trades the token for an HttpOnly cookie, then serves the app with a strict CSP', async () => {
    const { port, token } = running().server;
    const first = await get(port, `/?token=${token}`);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    expect(String(first.headers['set-cookie'])).toContain('HttpOnly');
    const page = await get(port, '/', { Cookie: cookie() });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<div id="app">');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('refuses another Host name, against DNS rebinding', async () => {
    const reply = await get(running().server.port, '/', { Cookie: cookie(), Host: `evil.example:${running().server.port}` });
    expect(reply.status).toBe(421);
  });

  it('does not serve files outside the app', async () => {
    for (const path of ['/../../package.json', '/%2e%2e/%2e%2e/package.json', '/..%2f..%2fpackage.json']) {
      const reply = await get(running().server.port, path, { Cookie: cookie() });
      expect(reply.status).toBe(404);
      expect(reply.body).not.toContain('invite-desk');
    }
  });

  it('refuses an API socket from another Origin, or without the token', async () => {
    const port = running().server.port;
    expect((await openSocket(port, { Origin: 'https://evil.example', Cookie: cookie() })).status).toBe(403);
    expect((await openSocket(port, { Origin: 'null', Cookie: cookie() })).status).toBe(403);
    expect((await openSocket(port, { Origin: origin() })).status).toBe(401);
  });

  it('answers calls on a socket from its own page, and rejects malformed ones', async () => {
    const { socket } = await openSocket(running().server.port, { Origin: origin(), Cookie: cookie() });
    if (!socket) throw new Error('socket refused');
    try {
      expect(await call(socket, { id: 1, method: 'listProfiles', args: [] })).toEqual({ id: 1, result: [] });
      expect(await call(socket, { id: 2, method: 'eval', args: [] })).toMatchObject({ id: 2, error: { code: 'invalid-input' } });
      expect(await call(socket, { id: 3, method: 'serverInfo', args: [{}] })).toMatchObject({ id: 3, error: { code: 'invalid-input' } });
      expect(await call(socket, { id: 4, method: 'serverInfo', args: ['unknown'] })).toMatchObject({ id: 4, error: { code: 'not-connected' } });
      const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
      socket.send('not json');
      expect(await closed).toBe(1003);
    } finally {
      socket.terminate();
    }
  });
});
