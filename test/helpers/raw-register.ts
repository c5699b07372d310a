import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import Parser from '@xmpp/xml/lib/Parser.js';
import type { Element } from '@xmpp/xml';
import type { ProsodyServer } from './prosody';

/**
 * A deliberately separate, minimal client that signs up the way a new member's
 * app does: STARTTLS, then XEP-0401 `preauth` with the invite token, then
 * XEP-0077 in-band registration. It shares no code with the app's client.
 */

export interface RegisterOptions {
  port: number;
  domain: string;
  username: string;
  password: string;
  /** The invite token, if any. */
  token?: string;
  timeoutMs?: number;
  /** Runs after the server accepted the token and before the account is asked for: to change the invite in between. */
  afterPreauth?: () => Promise<void>;
  /** Extra fields of the server's registration form (`additional_registration_fields`), sent as a XEP-0004 form. */
  fields?: Record<string, string>;
}

export type RegisterOutcome = { ok: true } | { ok: false; stage: 'preauth' | 'register'; condition: string; text: string };

const escape = (value: string): string => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&apos;').replace(/"/g, '&quot;');

class StanzaReader {
  private readonly queue: Element[] = [];
  private waiting: ((element: Element) => void) | null = null;
  private parser = this.newParser();

  private newParser(): Parser {
    const parser = new Parser();
    parser.on('element', (element: Element) => {
      if (this.waiting) {
        const resolve = this.waiting;
        this.waiting = null;
        resolve(element);
      } else this.queue.push(element);
    });
    return parser;
  }

  /** A new stream starts after STARTTLS: parse it from scratch. */
  restart(): void {
    this.parser = this.newParser();
  }

  write(data: string): void {
    this.parser.write(data);
  }

  next(timeoutMs: number): Promise<Element> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the server did not answer')), timeoutMs);
      this.waiting = (element) => {
        clearTimeout(timer);
        resolve(element);
      };
    });
  }
}

/** The registration form, filled in: how clients send fields beyond the username and password. */
function registrationForm(values: Record<string, string>): string {
  const fields = Object.entries({ FORM_TYPE: 'jabber:iq:register', ...values })
    .map(([name, value]) => `<field var='${escape(name)}'><value>${escape(value)}</value></field>`)
    .join('');
  return `<x xmlns='jabber:x:data' type='submit'>${fields}</x>`;
}

function errorOf(reply: Element): { condition: string; text: string } {
  const error = reply.getChild('error');
  const condition = error?.getChildElements().find((c) => c.name !== 'text')?.name ?? 'unknown';
  return { condition, text: error?.getChildText('text') ?? '' };
}

export async function registerAccount(options: RegisterOptions): Promise<RegisterOutcome> {
  const timeout = options.timeoutMs ?? 15_000;
  const reader = new StanzaReader();
  const header = `<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='${escape(options.domain)}' version='1.0'>`;

  const plain: Socket = await new Promise((resolve, reject) => {
    const socket = tcpConnect(options.port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
  plain.setEncoding('utf8');
  plain.on('data', (data: string) => reader.write(data));
  plain.write(header);
  await reader.next(timeout); // features
  plain.write("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
  const proceed = await reader.next(timeout);
  if (proceed.name !== 'proceed') throw new Error(`STARTTLS refused: ${proceed.toString()}`);
  plain.removeAllListeners('data');

  // A test server's self-signed certificate: this client only signs up on loopback.
  const secure: TLSSocket = await new Promise((resolve, reject) => {
    const socket = tlsConnect({ socket: plain, servername: options.domain, rejectUnauthorized: false }, () => resolve(socket));
    socket.once('error', reject);
  });
  reader.restart();
  secure.setEncoding('utf8');
  secure.on('data', (data: string) => reader.write(data));
  try {
    secure.write(header);
    await reader.next(timeout); // features, now with the invite and registration features

    if (options.token !== undefined) {
      secure.write(`<iq type='set' id='preauth' to='${escape(options.domain)}'><preauth xmlns='urn:xmpp:pars:0' token='${escape(options.token)}'/></iq>`);
      const reply = await reader.next(timeout);
      if (reply.attrs.type !== 'result') return { ok: false, stage: 'preauth', ...errorOf(reply) };
      await options.afterPreauth?.();
    }
    const account = options.fields
      ? registrationForm({ username: options.username, password: options.password, ...options.fields })
      : `<username>${escape(options.username)}</username><password>${escape(options.password)}</password>`;
    secure.write(`<iq type='set' id='register' to='${escape(options.domain)}'><query xmlns='jabber:iq:register'>${account}</query></iq>`);
    const reply = await reader.next(timeout);
    if (reply.attrs.type !== 'result') return { ok: false, stage: 'register', ...errorOf(reply) };
    return { ok: true };
  } finally {
    secure.end('</stream:stream>');
    secure.destroy();
  }
}

/** Signs `username` up on a test server, with the password `<username>-pw` and the invite token when one is given. */
export function signUp(
  server: Pick<ProsodyServer, 'c2sPort' | 'domain'>,
  username: string,
  token?: string,
  options: Pick<RegisterOptions, 'afterPreauth' | 'fields'> = {},
): Promise<RegisterOutcome> {
  return registerAccount({ port: server.c2sPort, domain: server.domain, username, password: `${username}-pw`, ...(token === undefined ? {} : { token }), ...options });
}
