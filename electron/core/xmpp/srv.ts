import type { SrvRecord } from 'node:dns';
import { resolveSrv } from 'node:dns/promises';
import { DEFAULT_C2S_PORT, type ServerAddress } from '../../../common/address';

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

export async function lookupServer(domain: string, directTls: boolean, timeoutMs = 5_000): Promise<ServerAddress> {
  const service = directTls ? '_xmpps-client._tcp' : '_xmpp-client._tcp';
  let timer: NodeJS.Timeout | undefined;
  try {
    const records = await Promise.race([
      resolveSrv(`${service}.${domain}`),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('SRV lookup timed out')), timeoutMs);
      }),
    ]);
    const best = orderSrv(records)[0];
    if (best) return best;
  } catch {
    // No records, or no answer: fall through to the domain itself.
  } finally {
    clearTimeout(timer);
  }
  return { host: domain, port: directTls ? 5223 : DEFAULT_C2S_PORT };
}
