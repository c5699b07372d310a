import { describe, expect, it } from 'vitest';
import { parseAccountJid, parseServerAddress, resolveServerAddress } from '../../common/address';

describe('account and server address parsing', () => {
  it('accepts ordinary admin accounts and lower-cases the domain', () => {
    expect(parseAccountJid(' Admin@Example.ORG ')).toEqual({ local: 'Admin', domain: 'example.org' });
    expect(parseAccountJid('a@localhost')).toEqual({ local: 'a', domain: 'localhost' });
  });

  it.each(['', 'example.org', '@example.org', 'a@', 'a@b@c', 'a b@c.d', 'a@c.d/resource', 'a@-bad.org', 'a@exa mple.org'])('refuses %j', (input) => {
    expect(parseAccountJid(input)).toBeNull();
  });

  it('parses host, host:port and bracketed IPv6', () => {
    expect(parseServerAddress('xmpp.example.org')).toEqual({ host: 'xmpp.example.org', port: 5222 });
    expect(parseServerAddress('127.0.0.1:5322')).toEqual({ host: '127.0.0.1', port: 5322 });
    expect(parseServerAddress('[::1]:5222')).toEqual({ host: '[::1]', port: 5222 });
  });

  it.each(['', 'host:', 'host:0', 'host:65536', 'host:port', 'a:b:c', 'http://host'])('refuses the address %j', (input) => {
    expect(parseServerAddress(input)).toBeNull();
  });

  it('uses the JID domain on 5222 when no address is given', () => {
    expect(resolveServerAddress({ local: 'a', domain: 'example.org' }, undefined)).toEqual({ host: 'example.org', port: 5222 });
    expect(resolveServerAddress({ local: 'a', domain: 'example.org' }, '  ')).toEqual({ host: 'example.org', port: 5222 });
  });
});
