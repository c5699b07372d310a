import type { SrvRecord } from 'node:dns';
import { resolveSrv } from 'node:dns/promises';
import { DEFAULT_C2S_PORT, type ServerAddress } from '../../../common/address';

/** Where to dial, and whether that port speaks TLS from the first byte (XEP-0368) or STARTTLS. */
export interface ServiceAddress extends ServerAddress {
  directTls: boolean;
}

const DIRECT_TLS_PORT = 5223;

/**
 * Where an XMPP domain wants its clients (RFC 6120 §3.2.1): its SRV records,
 * lowest priority first and, within a priority, the heaviest first. A
 * domain without records (or a lookup that fails) is dialled directly.
 */
export function orderSrv(records: readonly SrvRecord[]): ServerAddress[] {
  return [...records]
    .filter((r) => r.name !== '.' && r.port > 0)
    .sort((a, b) => a.priority - b.priority || b.weight - a.weight)
    .map((r) => ({ host: r.name, port: r.port }));
}

/**
 * XEP-0368: the records of both services, by priority, direct TLS first on a
 * tie. Direct TLS saves the STARTTLS exchange: a round trip on every connect.
 */
export function chooseService(starttls: readonly SrvRecord[], directTls: readonly SrvRecord[]): ServiceAddress | null {
  const tagged = [...directTls.map((r) => ({ ...r, directTls: true })), ...starttls.map((r) => ({ ...r, directTls: false }))]
    .filter((r) => r.name !== '.' && r.port > 0)
    .sort((a, b) => a.priority - b.priority || Number(b.directTls) - Number(a.directTls) || b.weight - a.weight);
  const best = tagged[0];
  return best ? { host: best.name, port: best.port, directTls: best.directTls } : null;
}

async function records(name: string, timeoutMs: number): Promise<SrvRecord[]> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      resolveSrv(name),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('SRV lookup timed out')), timeoutMs);
      }),
    ]);
  } catch {
    // No records, or no answer: as if there were none.
    return [];
  } finally {
    clearTimeout(timer);
  }
}

/**
 * With direct TLS chosen, only `_xmpps-client` records count; otherwise both
 * services are looked up at once, and a domain that publishes direct TLS gets it.
 */
export async function lookupServer(domain: string, directTls: boolean, timeoutMs = 5_000): Promise<ServiceAddress> {
  const [direct, starttls] = await Promise.all([
    records(`_xmpps-client._tcp.${domain}`, timeoutMs),
    directTls ? Promise.resolve([]) : records(`_xmpp-client._tcp.${domain}`, timeoutMs),
  ]);
  return chooseService(starttls, direct) ?? { host: domain, port: directTls ? DIRECT_TLS_PORT : DEFAULT_C2S_PORT, directTls };
}
