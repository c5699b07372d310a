import type { AdminApi } from '../../common/api';
import { ADMIN_EVENTS, ADMIN_METHODS, type CallEnvelope } from '../../common/contract';
import { IPC_EVENT_CHANNEL, ipcChannelFor } from '../../common/ipc';
import { createCallDispatcher } from '../core/call-dispatcher';

/** The parts of an IPC event this module reads: the frame that sent it, and its window's main frame. */
export interface IpcEventLike {
  senderFrame: { url: string } | null;
  sender: { mainFrame: unknown };
}

/** The parts of Electron's ipcMain this module uses, so it can be tested in Node. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => Promise<CallEnvelope>): void;
  removeHandler(channel: string): void;
}

/** Where events go: the window's webContents. */
export interface EventSink {
  send(channel: string, ...args: unknown[]): void;
  isReady(): boolean;
}

/**
 * Wires every contract method to an IPC handler. Each message is checked for
 * its sender (only our own page, in the window's main frame, may call: never
 * a subframe, even one on app://) and its payload (by the shared
 * dispatcher) before it reaches the service. Events that arrive before the page
 * is ready are queued, then flushed in order.
 */
export function registerAdminIpc(ipc: IpcMainLike, api: AdminApi, isTrustedSender: (url: string) => boolean, sink: EventSink): {
  flushEvents(): void;
  dispose(): void;
} {
  const dispatch = createCallDispatcher(api);
  for (const method of ADMIN_METHODS) {
    ipc.handle(ipcChannelFor(method), async (event, ...args) => {
      const frame = event.senderFrame;
      if (frame === null || frame !== event.sender.mainFrame || !isTrustedSender(frame.url)) return { error: { code: 'invalid-input', message: 'This window may not use Invite Desk.' } };
      return dispatch(method, args);
    });
  }

  const queue: [string, unknown][] = [];
  const flushEvents = (): void => {
    while (queue.length > 0 && sink.isReady()) {
      const [name, payload] = queue.shift() as [string, unknown];
      sink.send(IPC_EVENT_CHANNEL, name, payload);
    }
  };
  const unsubscribers = ADMIN_EVENTS.map((name) =>
    api.on(name, (payload) => {
      queue.push([name, payload]);
      flushEvents();
    }),
  );

  return {
    flushEvents,
    dispose() {
      for (const off of unsubscribers) off();
      for (const method of ADMIN_METHODS) ipc.removeHandler(ipcChannelFor(method));
    },
  };
}
