import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AdminApi, AdminEventName } from '../../common/api';
import { ADMIN_EVENTS } from '../../common/contract';
import { contentSecurityPolicy } from '../../common/csp';
import { createCallDispatcher } from '../core/call-dispatcher';
import { PREVIEW_API_PATH, parseClientMessage, type ServerMessage } from '../../common/preview-protocol';

/**
 * The browser-preview host: the built renderer and the same `AdminApi` over a
 * WebSocket, on 127.0.0.1 only. A random token per run (handed over once in
 * the printed URL) is traded for a separate random session secret in an
 * HttpOnly cookie named after the port (cookies ignore ports, so two previews
 * must not share one). A Host check against DNS rebinding and an Origin check
 * on the socket keep other pages and other local users out. Every socket has
 * an error handler: a client that breaks the protocol loses its connection,
 * never the process.
 */

export interface PreviewServerOptions {
  /** 0 picks a free port. */
  port: number;
  rendererDir: string;
  api: AdminApi;
  token?: string;
}

export interface PreviewServer {
  port: number;
  token: string;
  /** The address to open: carries the token. */
  url: string;
  close(): Promise<void>;
}

const MAX_MESSAGE_BYTES = 1024 * 1024;

/**
 * The build names every file in this folder after a hash of its content
 * (Vite's assetsDir), so a name never holds other bytes: the browser keeps
 * them, and with them the compiled code of the scripts, from one start to the
 * next. The page itself is never kept: it names the files of the current build.
 */
const HASHED_ASSETS = '/assets/';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

function sameSecret(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieValue(request: IncomingMessage, cookie: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === cookie) return value.join('=');
  }
  return undefined;
}

/** The path of a request URL, or null when its percent-escapes are malformed. */
function decodedPath(url: URL): string | null {
  try {
    return decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
}

export async function startPreviewServer(options: PreviewServerOptions): Promise<PreviewServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  // What the cookie carries: never the printed token, so a leaked cookie does not reveal it.
  const session = randomBytes(32).toString('base64url');
  const dispatch = createCallDispatcher(options.api);
  let port = 0;
  const cookieName = (): string => `invite_desk_session_${port}`;

  const allowedHosts = (): string[] => [`127.0.0.1:${port}`, `localhost:${port}`];
  const allowedOrigins = (): string[] => allowedHosts().map((h) => `http://${h}`);
  const hostAllowed = (request: IncomingMessage): boolean => allowedHosts().includes(request.headers.host ?? '');
  // Only a path ("origin form"): an absolute or protocol-relative target is not for this server.
  const requestUrl = (request: IncomingMessage): URL | null =>
    request.url?.startsWith('/') && !request.url.startsWith('//') ? URL.parse(request.url, `http://127.0.0.1:${port}`) : null;
  const authorised = (request: IncomingMessage, url: URL): boolean =>
    sameSecret(cookieValue(request, cookieName()), session) || sameSecret(url.searchParams.get('token') ?? undefined, token);

  const securityHeaders = (): Record<string, string> => ({
    'Content-Security-Policy': contentSecurityPolicy({ connect: allowedHosts().map((h) => `ws://${h}`), header: true }),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  });

  const refuse = (response: ServerResponse, status: number, text: string): void => {
    response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...securityHeaders() });
    response.end(text);
  };

  const serveStatic = async (request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> => {
    if (url.searchParams.has('token')) {
      // Trade the one-time token in the URL for a cookie, and drop it from the address bar.
      response.writeHead(303, {
        'Set-Cookie': `${cookieName()}=${session}; HttpOnly; SameSite=Strict; Path=/`,
        Location: '/',
        ...securityHeaders(),
      });
      response.end();
      return;
    }
    const path = decodedPath(url);
    if (path === null || path.includes('\0')) {
      refuse(response, 400, 'Bad request');
      return;
    }
    const relative = normalize(path).replace(/^([/\\])+/, '');
    let file = join(options.rendererDir, relative === '' ? 'index.html' : relative);
    if (!file.startsWith(options.rendererDir + sep) && file !== options.rendererDir) {
      refuse(response, 404, 'Not found');
      return;
    }
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      // Client-side routes fall back to the app shell; missing assets do not.
      if (extname(file) !== '') {
        refuse(response, 404, 'Not found');
        return;
      }
      file = join(options.rendererDir, 'index.html');
      body = await readFile(file);
    }
    response.writeHead(200, {
      'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      ...securityHeaders(),
      ...(path.startsWith(HASHED_ASSETS) ? { 'Cache-Control': 'private, max-age=31536000, immutable' } : {}),
    });
    response.end(request.method === 'HEAD' ? undefined : body);
  };

  const http = createServer((request, response) => {
    if (!hostAllowed(request)) {
      refuse(response, 421, 'This address is not served here.');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      refuse(response, 405, 'Method not allowed');
      return;
    }
    const url = requestUrl(request);
    if (!url) {
      refuse(response, 400, 'Bad request');
      return;
    }
    if (!authorised(request, url)) {
      refuse(response, 403, 'Open the address that "npm run preview" printed: it carries the access token for this run.');
      return;
    }
    serveStatic(request, response, url).catch(() => refuse(response, 500, 'The app files could not be read. Run "npm run build" and start the preview again.'));
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const clients = new Set<WebSocket>();

  const rejectUpgrade = (socket: Duplex, status: number, text: string): void => {
    socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    // A client that never reads the answer must not hold the socket open.
    setTimeout(() => socket.destroy(), 1_000).unref();
  };

  http.on('upgrade', (request, socket, head) => {
    // Node drops its own error handler from an upgraded socket: without ours, a reset kills the process.
    socket.on('error', () => socket.destroy());
    const url = requestUrl(request);
    if (url?.pathname !== PREVIEW_API_PATH || !hostAllowed(request)) {
      rejectUpgrade(socket, 404, 'Not Found');
      return;
    }
    if (!allowedOrigins().includes(request.headers.origin ?? '')) {
      rejectUpgrade(socket, 403, 'Forbidden');
      return;
    }
    if (!authorised(request, url)) {
      rejectUpgrade(socket, 401, 'Unauthorized');
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => {
      clients.add(ws);
      ws.on('close', () => clients.delete(ws));
      // ws has already closed the socket with the fitting code (1002, 1007, 1009…); only this client is gone.
      ws.on('error', () => ws.terminate());
      ws.on('message', (data, isBinary) => {
        const message = isBinary || !Buffer.isBuffer(data) ? null : parseClientMessage(data.toString('utf8'));
        if (!message) {
          ws.close(1003, 'Unsupported message');
          // A client that does not answer the close must not keep the socket for ws' 30 s close timeout.
          setTimeout(() => ws.terminate(), 2_000).unref();
          return;
        }
        void dispatch(message.method, message.args).then((envelope) => send(ws, { id: message.id, ...envelope }));
      });
    });
  });

  const send = (ws: WebSocket, message: ServerMessage): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  };
  const unsubscribers = ADMIN_EVENTS.map((event: AdminEventName) =>
    options.api.on(event, (payload) => {
      // The payload belongs to `event`; the union type cannot say so.
      for (const ws of clients) send(ws, { event, payload } as ServerMessage);
    }),
  );

  await new Promise<void>((resolveListen, reject) => {
    http.once('error', reject);
    http.listen(options.port, '127.0.0.1', () => {
      const address = http.address();
      port = typeof address === 'object' && address ? address.port : 0;
      resolveListen();
    });
  });

  return {
    port,
    token,
    url: `http://127.0.0.1:${port}/?token=${token}`,
    async close() {
      for (const off of unsubscribers) off();
      for (const ws of clients) ws.close(1001, 'Server stopping');
      sockets.close();
      http.closeAllConnections();
      await new Promise<void>((done) => http.close(() => done()));
    },
  };
}
