import type { AdminApi } from '../../../common/api';
import { createAdminApi } from '../../../common/bridge';
import { createWebSocketTransport } from './websocket-transport';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in the browser preview. */
    inviteDesk?: AdminApi;
  }
}

/** The UI's one way to the backend: Electron's bridge when present, else the preview's WebSocket. */
export function getAdminApi(): AdminApi {
  if (window.inviteDesk) return window.inviteDesk;
  const url = new URL('/api', window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return createAdminApi(createWebSocketTransport(url.toString()));
}
