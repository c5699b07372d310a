import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { createAdminApi } from '../../common/bridge';
import type { CallEnvelope } from '../../common/contract';
import { IPC_EVENT_CHANNEL, ipcChannelFor } from '../../common/ipc';

// The page gets exactly one object, the AdminApi; ipcRenderer itself never crosses the bridge.
const api = createAdminApi({
  invoke: (method, args) => ipcRenderer.invoke(ipcChannelFor(method), ...args) as Promise<CallEnvelope>,
  subscribe(event, listener) {
    const handler = (_event: IpcRendererEvent, name: unknown, payload: unknown): void => {
      if (name === event) listener(payload);
    };
    ipcRenderer.on(IPC_EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.off(IPC_EVENT_CHANNEL, handler);
    };
  },
});

contextBridge.exposeInMainWorld('inviteDesk', api);
