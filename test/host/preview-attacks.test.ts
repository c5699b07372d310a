import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { closeCode, frame, get, login, openSocket, rawHttp, rawWebSocket, stillServes } from '../helpers/preview-client';
import { startPreviewProcess, type PreviewProcess } from '../helpers/preview-process';

/**
 * Attacks on the browser preview, run against `npm run preview` as its own
 * process: anything that kills it shows as an exit. After every attack, the
 * preview still answers a normal call.
 */

let preview: PreviewProcess;
let cookie = '';

beforeAll(async () => {
  preview = await startPreviewProcess();
  cookie = await login(preview.port, preview.token);
});
afterAll(async () => {
  await preview.stop();
});

async function expectAlive(): Promise<void> {
  expect(preview.child.exitCode, preview.stderr()).toBeNull();
  expect(await stillServes(preview.port, cookie)).toEqual({ id: 1, result: [] });
}

describe('the preview against a hostile client', () => {
  it('refuses without the token, with a wrong one, and with the token as a cookie', async () => {
    expect((await get(preview.port, '/')).status).toBe(403);
    expect((await get(preview.port, '/?token=wrong')).status).toBe(403);
    expect((await get(preview.port, '/', { Cookie: `invite_desk_session_${preview.port}=${preview.token}` })).status).toBe(403);
    expect((await openSocket(preview.port, { Origin: `http://127.0.0.1:${preview.port}` })).status).toBe(401);
    await expectAlive();
  });

  it('refuses foreign Host and Origin headers', async () => {
    expect((await get(preview.port, '/', { Cookie: cookie, Host: `attacker.example:${preview.port}` })).status).toBe(421);
    expect((await openSocket(preview.port, { Origin: 'http://attacker.example', Cookie: cookie })).status).toBe(403);
    expect((await openSocket(preview.port, { Origin: `http://127.0.0.1:${preview.port + 1}`, Cookie: cookie })).status).toBe(403);
    await expectAlive();
  });

  it('serves nothing outside the app, and answers malformed paths with 400', async () => {
    for (const path of ['/../../package.json', '/%2e%2e/%2e%2e/package.json', '/..%2f..%2fpackage.json', '/..\\..\\package.json']) {
      const answer = await rawHttp(preview.port, `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${preview.port}\r\nCookie: ${cookie}\r\nConnection: close\r\n\r\n`);
      expect(answer).toMatch(/^HTTP\/1\.1 404/);
      expect(answer).not.toContain('"name": "invite-desk"');
    }
    for (const path of ['/%', '/%E0%A4%A', '/a%00b', 'http://[::1', '//attacker.example/']) {
      const answer = await rawHttp(preview.port, `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${preview.port}\r\nCookie: ${cookie}\r\nConnection: close\r\n\r\n`);
      expect(answer, path).toMatch(/^HTTP\/1\.1 400/);
    }
    await expectAlive();
  });

  it('survives upgrades reset by the client, with and without the token', async () => {
    for (const headers of [`Cookie: ${cookie}\r\nOrigin: http://127.0.0.1:${preview.port}`, 'Origin: http://attacker.example', '']) {
      for (let i = 0; i < 5; i++) {
        await new Promise<void>((resolve) => {
          const socket = connect(preview.port, '127.0.0.1', () => {
            socket.write(`GET /api HTTP/1.1\r\nHost: 127.0.0.1:${preview.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n${headers}\r\n\r\n`);
            // An RST, not a FIN: the preview's next write to this socket fails with ECONNRESET.
            setTimeout(() => {
              socket.resetAndDestroy();
              resolve();
            }, i);
          });
          socket.on('error', () => undefined);
        });
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    await expectAlive();
  });

  it.each([
    ['a frame over the 1 MB limit', 1009, frame({ opcode: 0x1, declaredLength: 2 * 1024 * 1024, payload: Buffer.alloc(16) })],
    ['invalid UTF-8 in a text frame', 1007, frame({ opcode: 0x1, payload: Buffer.from([0x7b, 0xc3, 0x28, 0x7d]) })],
    ['a reserved opcode', 1002, frame({ opcode: 0x3, payload: Buffer.from('x') })],
    ['an unmasked client frame', 1002, frame({ opcode: 0x1, payload: Buffer.from('{}'), masked: false })],
    ['RSV1 without an extension', 1002, frame({ opcode: 0x1, rsv1: true, payload: Buffer.from('{}') })],
    ['a fragmented ping', 1002, frame({ opcode: 0x9, fin: false, payload: Buffer.from('x') })],
    ['a continuation with nothing to continue', 1002, frame({ opcode: 0x0, payload: Buffer.from('x') })],
  ])('closes the one socket that sends %s with code %d, and keeps serving', async (_, code, bytes) => {
    const bystander = await openSocket(preview.port, { Origin: `http://127.0.0.1:${preview.port}`, Cookie: cookie });
    const attacker = await rawWebSocket(preview.port, cookie);
    attacker.socket.write(bytes);
    await attacker.closed;
    expect(closeCode(attacker.received())).toBe(code);
    // Another client connected all along is not disturbed.
    expect(bystander.socket?.readyState).toBe(bystander.socket?.OPEN);
    bystander.socket?.terminate();
    await expectAlive();
  });

  it('closes a socket that sends something other than a call with 1003', async () => {
    const attacker = await rawWebSocket(preview.port, cookie);
    attacker.socket.write(frame({ opcode: 0x1, payload: Buffer.from('<html>not a call</html>') }));
    await attacker.closed;
    expect(closeCode(attacker.received())).toBe(1003);
    await expectAlive();
  });

  it('keeps two previews on one host logged in side by side', async () => {
    const second = await startPreviewProcess();
    try {
      const secondCookie = await login(second.port, second.token);
      // A browser keeps both cookies, since their names differ; each still opens its own preview.
      expect(secondCookie.split('=')[0]).not.toBe(cookie.split('=')[0]);
      expect(await stillServes(second.port, secondCookie)).toEqual({ id: 1, result: [] });
      await expectAlive();
    } finally {
      await second.stop();
    }
  });
});

describe('what the preview lets the browser keep', () => {
  it('keeps the build\'s files, each named by its content, and never the page or a refusal', async () => {
    const page = await get(preview.port, '/', { Cookie: cookie });
    expect(page.headers['cache-control']).toBe('no-store');
    const files = [...page.body.matchAll(/\.\/(assets\/[^"\s]+)/g)].map((m) => m[1] ?? '');
    expect(files.length).toBeGreaterThan(3);
    for (const file of files) {
      // A name that holds its content's hash never names other bytes: keeping it cannot serve an old build.
      expect(file).toMatch(/^assets\/[\w-]+-[\w-]{8}\.(js|css)$/);
      const reply = await get(preview.port, `/${file}`, { Cookie: cookie });
      expect(reply.status, file).toBe(200);
      expect(reply.headers['cache-control'], file).toBe('private, max-age=31536000, immutable');
    }
    expect((await get(preview.port, `/${files[0] ?? ''}`)).headers['cache-control']).toBe('no-store');
    expect((await get(preview.port, '/assets/missing-00000000.js', { Cookie: cookie })).headers['cache-control']).toBe('no-store');
    await expectAlive();
  });
});
