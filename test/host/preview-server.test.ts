import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, get, login, openSocket } from '../helpers/preview-client';
import { runPreview, type RunningPreview } from '../../electron/preview/run';

describe('the browser preview host', () => {
  let preview: RunningPreview | undefined;
  let home = '';
  let sessionCookie = '';
  const running = (): RunningPreview => {
    if (!preview) throw new Error('preview did not start');
    return preview;
  };

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'invite-desk-preview-'));
    preview = await runPreview({ home, port: 0 });
    sessionCookie = await login(preview.server.port, preview.server.token);
  });
  afterAll(async () => {
    await preview?.stop();
    await rm(home, { recursive: true, force: true });
  });

  const origin = (): string => `http://127.0.0.1:${running().server.port}`;
  const cookie = (): string => sessionCookie;

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
    expect((await get(running().server.port, '/', { Cookie: `invite_desk_session_${running().server.port}=wrong` })).status).toBe(403);
    // The token itself is no cookie: the cookie carries a separate session secret.
    expect((await get(running().server.port, '/', { Cookie: `invite_desk_session_${running().server.port}=${running().server.token}` })).status).toBe(403);
  });

  it('trades the token for an HttpOnly cookie, then serves the app with a strict CSP', async () => {
    const { port, token } = running().server;
    const first = await get(port, `/?token=${token}`);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    const setCookie = String(first.headers['set-cookie']);
    expect(setCookie).toContain('HttpOnly');
    // Named after the port, since cookies ignore ports: a second preview must not log this one out.
    expect(setCookie).toMatch(new RegExp(`^invite_desk_session_${port}=`));
    expect(setCookie).not.toContain(token);
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
