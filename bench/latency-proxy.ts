import { createServer, connect, type Socket } from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 that delays every chunk by a one-way delay (plus
 * optional jitter) in each direction, so loopback behaves like a link with
 * `2 × oneWayMs` of round-trip time. The kernel here has no `netem`, so the
 * delay is added in user space. Chunks keep their order: jitter never lets a
 * later chunk overtake an earlier one, as on one TCP connection. The TCP
 * handshake counts as the round trip it costs on a real link.
 *
 * Bounded: at most `maxConnections` open at once, and the proxy closes itself
 * (and every connection) after `lifetimeMs`, so a benchmark that dies cannot
 * leave it running.
 */
export interface LatencyProxyOptions {
  target: { host: string; port: number };
  oneWayMs: number;
  /** Each chunk waits an extra random 0 to jitterMs. */
  jitterMs?: number;
  maxConnections?: number;
  lifetimeMs?: number;
}

export interface LatencyProxy {
  readonly port: number;
  /** Changes the delay for chunks sent from now on: one proxy serves every RTT of a run. */
  setOneWayMs(ms: number): void;
  close(): Promise<void>;
}

export async function startLatencyProxy(options: LatencyProxyOptions): Promise<LatencyProxy> {
  let oneWayMs = options.oneWayMs;
  const jitterMs = options.jitterMs ?? 0;
  const maxConnections = options.maxConnections ?? 64;
  const sockets = new Set<Socket>();

  /**
   * Forwards `from` to `to`, each chunk after the delay, never before the
   * chunk in front of it. `notBefore` stands in for TCP's handshake, which
   * the proxy cannot delay: on a real link the client's first byte leaves a
   * round trip after it dialled.
   */
  const pipe = (from: Socket, to: Socket, notBefore = 0): void => {
    let lastDue = notBefore + oneWayMs;
    let pending = 0;
    let ended = false;
    const endWhenDrained = (): void => {
      if (ended && pending === 0 && !to.destroyed) to.end();
    };
    from.on('data', (chunk: Buffer) => {
      const due = Math.max(performance.now() + oneWayMs + Math.random() * jitterMs, lastDue);
      lastDue = due;
      pending++;
      const deliver = (): void => {
        pending--;
        if (!to.destroyed) to.write(chunk);
        endWhenDrained();
      };
      const wait = due - performance.now();
      if (wait <= 0 && pending === 1) deliver();
      else setTimeout(deliver, Math.max(0, wait));
    });
    from.on('end', () => {
      ended = true;
      endWhenDrained();
    });
  };

  // Half-open on both sides: a FIN is passed on only after the data in front of it, as on a real link.
  const server = createServer({ noDelay: true, allowHalfOpen: true }, (client) => {
    if (sockets.size >= maxConnections * 2) {
      client.destroy();
      return;
    }
    const upstream = connect({ host: options.target.host, port: options.target.port, noDelay: true, allowHalfOpen: true });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      // A reset on one side resets the other; an orderly close travels as a delayed FIN instead.
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    pipe(client, upstream, performance.now() + 2 * oneWayMs);
    pipe(upstream, client);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  const close = (): Promise<void> =>
    new Promise((resolve) => {
      clearTimeout(lifetime);
      for (const socket of sockets) socket.destroy();
      if (!server.listening) resolve();
      else server.close(() => resolve());
    });
  const lifetime = setTimeout(() => void close(), options.lifetimeMs ?? 30 * 60_000);
  lifetime.unref();

  return {
    port,
    setOneWayMs(ms) {
      oneWayMs = ms;
    },
    close,
  };
}
