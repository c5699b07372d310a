import { describe, expect, it } from 'vitest';
import { lookupServer, orderSrv } from '../../electron/core/xmpp/srv';

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
    expect(await lookupServer('example.invalid', false, 2_000)).toEqual({ host: 'example.invalid', port: 5222 });
    expect(await lookupServer('example.invalid', true, 2_000)).toEqual({ host: 'example.invalid', port: 5223 });
  });
});
