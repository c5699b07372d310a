/** The stock xmpp.js client, used only as the benchmark's baseline. */
declare module '@xmpp/client' {
  import type { Client } from '@xmpp/client-core';
  export function client(options: { service: string; domain: string; username: string; password: string }): Client;
}
