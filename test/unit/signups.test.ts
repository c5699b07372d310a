import { describe, expect, it } from 'vitest';
import xml from '@xmpp/xml';
import { DEFAULT_REGISTRATION_TEMPLATE, readRegistrationMessage, RecentIds, registrationMatcher } from '../../electron/core/features/signups';

const domain = 'example.org';
const now = new Date('2026-11-28T12:00:30Z');
const notice = (body: string, attrs: Record<string, string> = {}, delay?: string) =>
  xml('message', { from: domain, to: 'admin@example.org', type: 'chat', ...attrs }, xml('body', {}, body), delay ? xml('delay', { xmlns: 'urn:xmpp:delay', stamp: delay }) : null);

describe("reading mod_watchregistrations' notices", () => {
  const matcher = registrationMatcher(DEFAULT_REGISTRATION_TEMPLATE, domain);

  it("reads Prosody's default notice", () => {
    expect(readRegistrationMessage(notice('User juliet just registered on example.org from 203.0.113.7'), 's1', domain, matcher, now)).toMatchObject({
      serverId: 's1',
      username: 'juliet',
      jid: 'juliet@example.org',
      ip: '203.0.113.7',
      time: now.toISOString(),
      source: 'watchregistrations',
      catchUp: false,
    });
    expect(readRegistrationMessage(notice('User romeo just registered on example.org from ::1'), 's1', domain, matcher, now)?.ip).toBe('::1');
  });

  it('keeps the original time of a notice delivered from offline storage', () => {
    const reg = readRegistrationMessage(notice('User juliet just registered on example.org from 10.0.0.1', {}, '2026-11-27T08:15:00Z'), 's1', domain, matcher, now);
    expect(reg).toMatchObject({ time: '2026-11-27T08:15:00.000Z', catchUp: true });
  });

  it('reads a custom template, with unknown variables matching anything', () => {
    const custom = registrationMatcher('New member $username ($ip) on $host via $source!', domain);
    expect(readRegistrationMessage(notice('New member anna (192.0.2.1) on example.org via mod_register!'), 's', domain, custom, now)).toMatchObject({ username: 'anna', ip: '192.0.2.1' });
    const noIp = registrationMatcher('$username joined', domain);
    const reg = readRegistrationMessage(notice('bob joined'), 's', domain, noIp, now);
    expect(reg?.username).toBe('bob');
    expect(reg?.ip).toBeUndefined();
  });

  it.each([
    ['another text', notice('Hello admin, how are you?')],
    ['the notice of another host', notice('User juliet just registered on other.org from 10.0.0.1')],
    ['a look-alike sent by a user', notice('User mallory just registered on example.org from 10.0.0.1', { from: 'mallory@example.org/phone' })],
    ['an error bounce', notice('User juliet just registered on example.org from 10.0.0.1', { type: 'error' })],
    ['a group chat message', notice('User juliet just registered on example.org from 10.0.0.1', { type: 'groupchat' })],
    ['a username with a slash', notice('User a/b just registered on example.org from 10.0.0.1')],
    ['no body', xml('message', { from: domain })],
    ['a presence', xml('presence', { from: domain })],
  ])('ignores %s', (_name, stanza) => {
    expect(readRegistrationMessage(stanza, 's', domain, matcher, now)).toBeNull();
  });

  it('gives a repeated notice the same id, and RecentIds reports it once', () => {
    const stanza = notice('User juliet just registered on example.org from 10.0.0.1', {}, '2026-11-27T08:15:00Z');
    const a = readRegistrationMessage(stanza, 's', domain, matcher, now);
    const b = readRegistrationMessage(stanza, 's', domain, matcher, new Date());
    expect(a?.id).toBe(b?.id);
    const seen = new RecentIds(2);
    expect(seen.add('x')).toBe(true);
    expect(seen.add('x')).toBe(false);
    seen.add('y');
    seen.add('z');
    expect(seen.add('x')).toBe(true);
  });
});
