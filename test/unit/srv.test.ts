import { describe, expect, it } from 'vitest';
import { chooseService, lookupServer, orderSrv } from '../../electron/core/xmpp/srv';

describe('SRV records', () => {
  it('orders by priority, then weight, and drops the "no service" record', () => {
    expect(
      orderSrv([
        { name: 'backup.example.org', port: 5222, priority: 20, weight: 0 },
        { name: 'light.example.org', port: 5222, priority: 10, weight: 10 },
        { name: 'heavy.example.org', port: 5223, priority: 10, weight: 60 },
        { name: '.', port: 0, priority: 0, weight: 0 },
      ]),
    ).toEqual([
      { host: 'heavy.example.org', port: 5223 },
      { host: 'light.example.org', port: 5222 },
      { host: 'backup.example.org', port: 5222 },
    ]);
  });

  it('dials the domain itself when it has no records', async () => {
    // .invalid never resolves (RFC 2606), on any network.
    expect(await lookupServer('example.invalid', false, 2_000)).toEqual({ host: 'example.invalid', port: 5222, directTls: false });
    expect(await lookupServer('example.invalid', true, 2_000)).toEqual({ host: 'example.invalid', port: 5223, directTls: true });
  });

  it('takes direct TLS (XEP-0368) where the domain publishes it at the best priority, and STARTTLS where only that is published or better', () => {
    const starttls = [{ name: 'xmpp.example.org', port: 5222, priority: 10, weight: 0 }];
    expect(chooseService(starttls, [{ name: 'tls.example.org', port: 443, priority: 10, weight: 0 }])).toEqual({ host: 'tls.example.org', port: 443, directTls: true });
    expect(chooseService(starttls, [{ name: 'tls.example.org', port: 443, priority: 20, weight: 0 }])).toEqual({ host: 'xmpp.example.org', port: 5222, directTls: false });
    expect(chooseService(starttls, [])).toEqual({ host: 'xmpp.example.org', port: 5222, directTls: false });
    expect(chooseService([], [{ name: '.', port: 0, priority: 0, weight: 0 }])).toBeNull();
  });
});
