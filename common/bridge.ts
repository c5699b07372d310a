import type { AdminApi, AdminCalls, AdminEventName, AdminEvents, AdminMethod, Unsubscribe } from './api';
import { ADMIN_METHODS, isAdminEventName, type CallEnvelope } from './contract';
import { isAdminErrorShape, type AdminErrorShape } from './errors';

/** How a bridge reaches its host: the Electron IPC or the preview's WebSocket. */
export interface ApiTransport {
  invoke(method: AdminMethod, args: unknown[]): Promise<CallEnvelope>;
  subscribe(event: AdminEventName, listener: (payload: unknown) => void): Unsubscribe;
}

/**
 * Builds the UI's `AdminApi` from a transport, one method per contract entry,
 * so the two hosts cannot drift apart.
 *
 * A failed call rejects with a plain `AdminErrorShape`, not an Error: Electron's
 * contextBridge copies only the message of an Error, and the code must survive.
 */
export function createAdminApi(transport: ApiTransport): AdminApi {
  const calls = Object.fromEntries(
    ADMIN_METHODS.map((method) => [
      method,
      async (...args: unknown[]) => {
        const envelope = await transport.invoke(method, args);
        if ('error' in envelope) {
          const shape: AdminErrorShape = isAdminErrorShape(envelope.error)
            ? envelope.error
            : { code: 'server-error', message: 'Invite Desk received an unreadable answer. Reload the window.' };
          // eslint-disable-next-line @typescript-eslint/only-throw-error -- see the comment above: codes must cross contextBridge
          throw shape;
        }
        return envelope.result;
      },
    ]),
  ) as unknown as AdminCalls;

  return {
    ...calls,
    on<E extends AdminEventName>(event: E, listener: (payload: AdminEvents[E]) => void): Unsubscribe {
      if (!isAdminEventName(event)) throw new TypeError(`unknown event ${String(event)}`);
      return transport.subscribe(event, (payload) => listener(payload as AdminEvents[E]));
    },
  };
}
