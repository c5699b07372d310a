/**
 * Pure parsing of what an admin types: an account JID and an optional
 * `host:port`. Shared by the connect form (to explain mistakes early) and the
 * hosts (which must not trust the form).
 */

export interface BareJid {
  local: string;
  domain: string;
}

export interface ServerAddress {
  host: string;
  port: number;
}

// RFC 7622 forbids these in a localpart; the domain must look like a hostname or IP literal.
const LOCAL_FORBIDDEN = /["&'/:<>@\s]/;
const DOMAIN = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;
const IPV6_LITERAL = /^\[[0-9a-f:.]+\]$/i;

export const DEFAULT_C2S_PORT = 5222;

export function parseAccountJid(input: string): BareJid | null {
  const value = input.trim();
  const at = value.indexOf('@');
  if (at <= 0 || value.includes('/')) return null;
  const local = value.slice(0, at);
  const domain = value.slice(at + 1).toLowerCase();
  if (local.length > 1023 || LOCAL_FORBIDDEN.test(local)) return null;
  if (!isDomain(domain)) return null;
  return { local, domain };
}

export function isDomain(value: string): boolean {
  return value.length > 0 && value.length <= 253 && (DOMAIN.test(value) || IPV6_LITERAL.test(value));
}

/** What is wrong with a server address the admin typed (the UI words it): a port out of range, or no address at all; null when it is fine or empty. */
export function addressProblem(input: string): { port: string } | 'not-an-address' | null {
  if (input.trim() === '' || parseServerAddress(input)) return null;
  const port = /:(\d+)$/.exec(input.trim())?.[1];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return { port };
  return 'not-an-address';
}

/** Parses `host`, `host:port` or `[v6]:port`; returns null when it is not an address. */
export function parseServerAddress(input: string): ServerAddress | null {
  const value = input.trim();
  if (value === '') return null;
  const bracketed = /^(\[[^\]]+\])(?::(\d+))?$/.exec(value);
  const plain = /^([^:[\]]+)(?::(\d+))?$/.exec(value);
  const match = bracketed ?? plain;
  if (!match) return null;
  const host = match[1] ?? '';
  const port = match[2] === undefined ? DEFAULT_C2S_PORT : Number(match[2]);
  if (!isDomain(host) || !Number.isInteger(port) || port < 1 || port > 65535) return null;
  return { host, port };
}

/** Where to open the connection for a profile: the typed address, else the JID's domain. */
export function resolveServerAddress(jid: BareJid, address: string | undefined): ServerAddress | null {
  if (address === undefined || address.trim() === '') return { host: jid.domain, port: DEFAULT_C2S_PORT };
  return parseServerAddress(address);
}
