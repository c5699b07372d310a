import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';

/** A client of the browser preview's HTTP and WebSocket host, polite or not. */

export interface HttpReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function get(port: number, path: string, headers: Record<string, string> = {}): Promise<HttpReply> {
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

/** Trades the printed token for the session cookie, as the browser does; returns the `Cookie` header to send. */
export async function login(port: number, token: string): Promise<string> {
  const reply = await get(port, `/?token=${token}`);
  if (reply.status !== 303) throw new Error(`login answered ${reply.status}`);
  const setCookie = String(reply.headers['set-cookie']);
  const pair = setCookie.split(';')[0];
  if (!pair) throw new Error('no cookie set');
  return pair;
}

/** Opens the API socket; resolves with the HTTP status of a refused upgrade, or the open socket. */
export function openSocket(port: number, headers: Record<string, string>): Promise<{ socket?: WebSocket; status?: number }> {
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

/** Sends one call (or raw text) and resolves with the next message. */
export function call(socket: WebSocket, message: unknown): Promise<unknown> {
  return new Promise((resolve) => {
    socket.once('message', (data: Buffer) => resolve(JSON.parse(data.toString())));
    socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  });
}

/** A normal call on a fresh, authorised socket: proof that the host still serves. */
export async function stillServes(port: number, cookie: string): Promise<unknown> {
  const { socket } = await openSocket(port, { Origin: `http://127.0.0.1:${port}`, Cookie: cookie });
  if (!socket) throw new Error('socket refused');
  try {
    return await call(socket, { id: 1, method: 'listProfiles', args: [] });
  } finally {
    socket.terminate();
  }
}

/** Sends raw bytes as an HTTP request and resolves with what came back before the server closed (or `waitMs` passed). */
export function rawHttp(port: number, bytes: string | Buffer, waitMs = 2_000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    const finish = (): void => {
      socket.destroy();
      resolve(answer);
    };
    socket.on('data', (data: Buffer) => (answer += data.toString('latin1')));
    socket.on('close', finish);
    socket.on('error', finish);
    setTimeout(finish, waitMs);
    socket.write(bytes);
  });
}

/**
 * A WebSocket opened by hand on a raw TCP socket, so the test can send frames
 * no well-behaved library would. Resolves once the server accepted the upgrade.
 */
export function rawWebSocket(port: number, cookie: string): Promise<{ socket: Socket; received: () => Buffer; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let upgraded = false;
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.on('error', () => undefined);
    socket.on('data', (data: Buffer) => {
      if (upgraded) {
        chunks.push(data);
        return;
      }
      const text = data.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      if (!text.startsWith('HTTP/1.1 101')) {
        reject(new Error(`upgrade refused: ${text.split('\r\n')[0] ?? ''}`));
        socket.destroy();
        return;
      }
      upgraded = true;
      if (end + 4 < data.length) chunks.push(data.subarray(end + 4));
      resolve({ socket, received: () => Buffer.concat(chunks), closed });
    });
    socket.write(
      [
        'GET /api HTTP/1.1',
        `Host: 127.0.0.1:${port}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
        'Sec-WebSocket-Version: 13',
        `Origin: http://127.0.0.1:${port}`,
        `Cookie: ${cookie}`,
        '',
        '',
      ].join('\r\n'),
    );
  });
}

export interface FrameOptions {
  fin?: boolean;
  rsv1?: boolean;
  opcode: number;
  payload?: Buffer;
  /** Clients must mask; a frame sent unmasked is a protocol violation. */
  masked?: boolean;
  /** Announce this length instead of the payload's, to claim an oversized frame. */
  declaredLength?: number;
}

/** One WebSocket frame (RFC 6455 §5.2), built byte by byte. */
export function frame({ fin = true, rsv1 = false, opcode, payload = Buffer.alloc(0), masked = true, declaredLength }: FrameOptions): Buffer {
  const length = declaredLength ?? payload.length;
  const head: number[] = [(fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode];
  const maskBit = masked ? 0x80 : 0;
  if (length < 126) head.push(maskBit | length);
  else if (length < 65536) head.push(maskBit | 126, length >> 8, length & 0xff);
  else {
    head.push(maskBit | 127);
    const big = Buffer.alloc(8);
    big.writeBigUInt64BE(BigInt(length));
    head.push(...big);
  }
  if (!masked) return Buffer.concat([Buffer.from(head), payload]);
  const mask = randomBytes(4);
  const body = Buffer.from(payload.map((byte, i) => byte ^ (mask[i % 4] ?? 0)));
  return Buffer.concat([Buffer.from(head), mask, body]);
}

/** The status code of the first close frame in what the server sent, if any. */
export function closeCode(bytes: Buffer): number | undefined {
  let offset = 0;
  while (offset + 2 <= bytes.length) {
    const opcode = (bytes[offset] ?? 0) & 0x0f;
    let length = (bytes[offset + 1] ?? 0) & 0x7f;
    let start = offset + 2;
    if (length === 126) {
      length = bytes.readUInt16BE(start);
      start += 2;
    } else if (length === 127) {
      length = Number(bytes.readBigUInt64BE(start));
      start += 8;
    }
    if (opcode === 0x8) return length >= 2 ? bytes.readUInt16BE(start) : 1005;
    offset = start + length;
  }
  return undefined;
}
