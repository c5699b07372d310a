/**
 * Types for the parts of xmpp.js (plain JavaScript) that `client.ts` composes.
 * Only `electron/core/xmpp` imports these modules; everything else sees DTOs.
 */
declare module '@xmpp/xml' {
  export class Element {
    name: string;
    attrs: Record<string, string | undefined>;
    children: (Element | string)[];
    constructor(name: string, attrs?: Record<string, string | undefined>);
    getChild(name: string, xmlns?: string): Element | undefined;
    getChildren(name: string, xmlns?: string): Element[];
    getChildElements(): Element[];
    getChildText(name: string, xmlns?: string): string | null;
    getNS(): string | undefined;
    is(name: string, xmlns?: string): boolean;
    text(): string;
    toString(): string;
  }
  type Child = Element | string | null | undefined | false | Child[];
  export default function xml(name: string, attrs?: Record<string, string | undefined> | string | null, ...children: Child[]): Element;
}

declare module '@xmpp/events' {
  import { EventEmitter } from 'node:events';
  export { EventEmitter };
  export function promise<T = unknown>(target: EventEmitter, event: string, rejectEvent?: string | null, timeout?: number): Promise<T>;
  export class TimeoutError extends Error {}
}

declare module '@xmpp/middleware/lib/StanzaError.js' {
  import type { Element } from '@xmpp/xml';
  export default class StanzaError extends Error {
    condition: string;
    text?: string;
    static fromElement(element: Element | undefined): StanzaError;
  }
}

declare module '@xmpp/jid' {
  export interface JID {
    local: string;
    domain: string;
    resource: string;
    bare(): JID;
    equals(other: JID): boolean;
    toString(): string;
  }
  export default function jid(local: string, domain?: string, resource?: string): JID;
}

declare module '@xmpp/client-core' {
  import { EventEmitter } from 'node:events';
  import type { Element } from '@xmpp/xml';
  import type { JID } from '@xmpp/jid';
  export type Status =
    | 'offline'
    | 'connecting'
    | 'connect'
    | 'opening'
    | 'open'
    | 'online'
    | 'closing'
    | 'close'
    | 'disconnecting'
    | 'disconnect';
  export interface SocketLike extends EventEmitter {
    secure?: boolean;
    connect(options: object): void;
    end(): void;
    write(data: string, callback: (error?: Error | null) => void): void;
  }
  export class Client extends EventEmitter {
    constructor(options: { service: string; domain: string; lang?: string; timeout?: number });
    jid: JID | null;
    status: Status;
    socket: SocketLike | null;
    options: { service: string; domain: string };
    transports: unknown[];
    start(): Promise<JID>;
    connect(service: string): Promise<unknown>;
    open(options: { domain: string; lang?: string }): Promise<unknown>;
    stop(): Promise<unknown>;
    disconnect(): Promise<unknown>;
    restart(): Promise<unknown>;
    send(element: Element): Promise<void>;
    sendReceive(element: Element, timeout?: number): Promise<Element>;
    isSecure(): boolean;
    parser: import('node:events').EventEmitter | null;
    _attachSocket(socket: SocketLike): void;
    _onData(data: Buffer): void;
    /** The text of the stream header that opens (or restarts) the stream. */
    header(element: Element, ...rest: unknown[]): string;
  }
  export { default as jid } from '@xmpp/jid';
}

declare module '@xmpp/tcp' {
  const ConnectionTCP: unknown;
  export default function tcp(deps: { entity: import('@xmpp/client-core').Client }): void;
  export { ConnectionTCP };
}

declare module '@xmpp/tls/lib/Connection.js' {
  // A class whose prototype carries the Socket used for xmpps:// services.
  export default class ConnectionTLS {
    Socket: unknown;
    Parser: unknown;
    socketParameters(service: string): { port: number; host: string } | undefined;
  }
}

declare module '@xmpp/middleware' {
  import type { Client } from '@xmpp/client-core';
  import type { Element } from '@xmpp/xml';
  export interface IncomingContext {
    stanza: Element;
    entity: Client;
    from: unknown;
    type: string;
    name: string;
    id: string;
  }
  export type Next = () => Promise<unknown>;
  export interface Middleware {
    use(fn: (ctx: IncomingContext, next: Next) => unknown): void;
  }
  export default function middleware(deps: { entity: Client }): Middleware;
}

declare module '@xmpp/stream-features' {
  import type { Middleware, IncomingContext, Next } from '@xmpp/middleware';
  import type { Element } from '@xmpp/xml';
  export interface StreamFeatures {
    use(name: string, xmlns: string, handler: (ctx: IncomingContext, next: Next, feature: Element) => unknown): void;
  }
  export default function streamFeatures(deps: { middleware: Middleware }): StreamFeatures;
}

declare module '@xmpp/iq/caller.js' {
  import type { Client } from '@xmpp/client-core';
  import type { Middleware } from '@xmpp/middleware';
  import type { Element } from '@xmpp/xml';
  export interface IqCaller {
    request(stanza: Element, timeout?: number): Promise<Element>;
  }
  export default function iqCaller(deps: { entity: Client; middleware: Middleware }): IqCaller;
}

declare module '@xmpp/iq/callee.js' {
  import type { Client } from '@xmpp/client-core';
  import type { Middleware } from '@xmpp/middleware';
  export interface IqCallee {
    get(ns: string, name: string, handler: () => object): void;
  }
  export default function iqCallee(deps: { entity: Client; middleware: Middleware }): IqCallee;
}

declare module '@xmpp/resource-binding' {
  import type { IqCaller } from '@xmpp/iq/caller.js';
  import type { StreamFeatures } from '@xmpp/stream-features';
  export default function resourceBinding(deps: { iqCaller: IqCaller; streamFeatures: StreamFeatures }, resource?: string): void;
}

declare module '@xmpp/xml/lib/Parser.js' {
  import { EventEmitter } from 'node:events';
  import type { Element } from '@xmpp/xml';
  export default class Parser extends EventEmitter {
    /** The stream's root element once it opened; `cursor` is the element being read, the root between stanzas. */
    root: Element | null;
    cursor: Element | null;
    onText(text: string): void;
    write(data: string): void;
    end(data?: string): void;
  }
}

declare module '@xmpp/xml/lib/XMLError.js' {
  export default class XMLError extends Error {}
}

declare module '@xmpp/tcp/lib/Connection.js' {
  // A class whose prototype carries the Socket and Parser used for xmpp:// services.
  export default class ConnectionTCP {
    Socket: unknown;
    Parser: unknown;
  }
}
