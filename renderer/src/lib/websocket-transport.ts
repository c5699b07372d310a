import type { AdminEventName, AdminMethod } from '../../../common/api';
import type { ApiTransport } from '../../../common/bridge';
import type { CallEnvelope } from '../../../common/contract';

interface Pending {
  resolve(envelope: CallEnvelope): void;
}

const LOST: CallEnvelope = {
  error: {
    code: 'unreachable',
    message: 'Lost contact with the Invite Desk preview. Check that "npm run preview" is still running, then reload this page.',
  },
};

/**
 * The browser preview's side of the AdminApi: calls and events over one
 * WebSocket to the preview host. The access token travels in the cookie the
 * host set, so it never appears here.
 */
export function createWebSocketTransport(url: string): ApiTransport {
  const pending = new Map<number, Pending>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let nextId = 1;
  let socket: Promise<WebSocket> | null = null;
  let ready: WebSocket | null = null;

  const open = (): Promise<WebSocket> => {
    socket ??= new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.addEventListener('open', () => {
        ready = ws;
        resolve(ws);
      });
      ws.addEventListener('error', () => reject(new Error('websocket error')));
      ws.addEventListener('close', () => {
        socket = null;
        ready = null;
        for (const call of pending.values()) call.resolve(LOST);
        pending.clear();
      });
      ws.addEventListener('message', (message) => {
        let data: unknown;
        try {
          data = JSON.parse(String(message.data));
        } catch {
          return;
        }
        if (typeof data !== 'object' || data === null) return;
        const record = data as Record<string, unknown>;
        if (typeof record.id === 'number') {
          const call = pending.get(record.id);
          pending.delete(record.id);
          call?.resolve(record as unknown as CallEnvelope);
        } else if (typeof record.event === 'string') {
          for (const listener of listeners.get(record.event) ?? []) listener(record.payload);
        }
      });
    });
    return socket;
  };

  const call = (ws: WebSocket, method: AdminMethod, args: unknown[]): Promise<CallEnvelope> => {
    const id = nextId++;
    return new Promise((resolve) => {
      pending.set(id, { resolve });
      ws.send(JSON.stringify({ id, method, args }));
    });
  };

  return {
    invoke(method: AdminMethod, args: unknown[]): Promise<CallEnvelope> {
      // An open socket takes the call at once: waiting for it first would queue the call behind
      // whatever the page renders next, such as the whole first screen.
      if (ready) return call(ready, method, args);
      return open().then(
        (ws) => call(ws, method, args),
        () => {
          socket = null;
          return LOST;
        },
      );
    },
    subscribe(event: AdminEventName, listener: (payload: unknown) => void) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      // Events only flow on an open socket; open it as soon as someone listens.
      void open().catch(() => {
        socket = null;
      });
      return () => {
        set.delete(listener);
      };
    },
  };
}
