import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * Servers on 127.0.0.1 that are not XMPP servers, or not the right one: what
 * an admin reaches by typing a web server's port, or what sits on the path.
 * Each records what it received and whether its connections were closed.
 */

const run = promisify(execFile);

export type FakeBehaviour =
  /** Accepts and never says anything. */
  | 'silent'
  /** Accepts and closes at once. */
  | 'close'
  /** Answers like nginx to a request it cannot parse: a 400 page whose `<hr>` is never closed. */
  | 'http'
  /** Answers with bytes that are not text at all. */
  | 'garbage'
  /** Opens a valid XMPP stream, then sends an undefined entity. */
  | 'bad-entity'
  /** Opens a valid XMPP stream, then a tag closed by the wrong name. */
  | 'mismatched-tag';

export interface FakeServer {
  port: number;
  /** Everything received, over all connections, as it arrived. */
  received(): Buffer;
  /** Connections still open from the server's side. */
  openConnections(): number;
  /** Resolves once every connection accepted so far has closed. */
  allClosed(): Promise<void>;
  close(): Promise<void>;
}

const NGINX_400 =
  'HTTP/1.1 400 Bad Request\r\nServer: nginx\r\nContent-Type: text/html\r\nContent-Length: 150\r\nConnection: close\r\n\r\n' +
  '<html>\r\n<head><title>400 Bad Request</title></head>\r\n<body>\r\n<center><h1>400 Bad Request</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

const STREAM_HEADER =
  "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='fake' from='invite-desk.test' version='1.0'>";

function answer(behaviour: FakeBehaviour, socket: Socket): void {
  switch (behaviour) {
    case 'silent':
      return;
    case 'close':
      socket.destroy();
      return;
    case 'http':
      socket.end(NGINX_400);
      return;
    case 'garbage':
      socket.write(Buffer.from([0x00, 0xff, 0x3c, 0x3c, 0x21, 0x00, 0x9f, 0x3e, 0x26, 0x3c, 0x2f]));
      return;
    case 'bad-entity':
      socket.write(`${STREAM_HEADER}<stream:features>&bogus;</stream:features>`);
      return;
    case 'mismatched-tag':
      socket.write(`${STREAM_HEADER}<stream:features></wrong><also></bad>`);
      return;
  }
}

function track(server: Server | ReturnType<typeof createTlsServer>, chunks: Buffer[], sockets: Set<Socket | TLSSocket>): Pick<FakeServer, 'received' | 'openConnections' | 'allClosed' | 'close'> {
  return {
    received: () => Buffer.concat(chunks),
    openConnections: () => sockets.size,
    allClosed: () =>
      new Promise((resolve) => {
        const check = (): void => {
          if (sockets.size === 0) resolve();
          else setTimeout(check, 20);
        };
        check();
      }),
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function listen(server: Server | ReturnType<typeof createTlsServer>): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
}

/** A plain TCP server that behaves as `behaviour` once the client speaks (or at once, for `close`). */
export async function startFakeServer(behaviour: FakeBehaviour): Promise<FakeServer> {
  const chunks: Buffer[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    if (behaviour === 'close') {
      answer(behaviour, socket);
      return;
    }
    socket.once('data', () => answer(behaviour, socket));
    socket.on('data', (data: Buffer) => chunks.push(data));
  });
  return { port: await listen(server), ...track(server, chunks, sockets) };
}

/** A self-signed certificate for `domain`, in PEM. */
export async function selfSignedCertificate(domain: string): Promise<{ key: string; cert: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'invite-desk-fake-cert-'));
  try {
    await run('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
      '-subj', `/CN=${domain}`, '-addext', `subjectAltName=DNS:${domain}`,
    ]);
    return { key: await readFile(join(dir, 'key.pem'), 'utf8'), cert: await readFile(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * A direct-TLS server with its own certificate. It records every byte the
 * client sends after the handshake (an impostor must learn nothing), and
 * optionally answers with junk instead of XMPP.
 */
export async function startTlsFakeServer(domain: string, options: { junk?: boolean } = {}): Promise<FakeServer & { handshakes(): number }> {
  const chunks: Buffer[] = [];
  const sockets = new Set<TLSSocket>();
  let handshakes = 0;
  const server = createTlsServer(await selfSignedCertificate(domain), (socket) => {
    handshakes++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.on('data', (data: Buffer) => chunks.push(data));
    if (options.junk) socket.once('data', () => socket.write(Buffer.from('\u0000\u0001junk<<<&&&>>>', 'latin1')));
  });
  server.on('tlsClientError', () => undefined);
  return { port: await listen(server), ...track(server, chunks, sockets), handshakes: () => handshakes };
}

/**
 * A STARTTLS impostor: it speaks XMPP up to `<proceed/>`, then finishes TLS
 * with its own certificate, as someone on the path would. It records what the
 * client sends once TLS is up.
 */
export async function startStarttlsImpostor(domain: string): Promise<FakeServer & { handshakes(): number; receivedAfterTls(): Buffer }> {
  const { TLSSocket } = await import('node:tls');
  const credentials = await selfSignedCertificate(domain);
  const chunks: Buffer[] = [];
  const secret: Buffer[] = [];
  const sockets = new Set<Socket | TLSSocket>();
  let handshakes = 0;
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const onData = (data: Buffer): void => {
      chunks.push(data);
      const text = data.toString('utf8');
      if (text.includes('<stream:stream')) {
        socket.write(
          `${STREAM_HEADER.replace('invite-desk.test', domain)}<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls></stream:features>`,
        );
      }
      if (text.includes('<starttls')) {
        socket.off('data', onData);
        socket.write("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>", () => {
          const secure = new TLSSocket(socket, { isServer: true, ...credentials });
          sockets.add(secure);
          secure.on('close', () => sockets.delete(secure));
          secure.on('error', () => undefined);
          secure.on('secure', () => handshakes++);
          secure.on('data', (plain: Buffer) => secret.push(plain));
        });
      }
    };
    socket.on('data', onData);
  });
  return {
    port: await listen(server),
    ...track(server, chunks, sockets),
    handshakes: () => handshakes,
    receivedAfterTls: () => Buffer.concat(secret),
  };
}
