import { describe, expect, it } from 'vitest';
import { readOnboarding, roomLabel } from '../../common/onboarding';
import { callArgumentSchemas } from '../../common/schemas';

describe('what a new member got, in the module’s words and the admin’s', () => {
  it('reads each part, and each failure with what it concerned and why', () => {
    expect(
      readOnboarding([
        'room:general@conference.example.org',
        'room:chess@conference.example.org',
        'member:chess@conference.example.org',
        'contact:mod@example.org',
        'contact-failed:bob@example.org:gone',
        'room-failed:old@conference.example.org:gone',
        'welcome:admin@example.org',
      ]),
    ).toEqual({
      rooms: ['general@conference.example.org', 'chess@conference.example.org'],
      memberOf: ['chess@conference.example.org'],
      contacts: ['mod@example.org'],
      welcomedBy: 'admin@example.org',
      failed: [
        { part: 'contact', jid: 'bob@example.org', reason: 'gone' },
        { part: 'room', jid: 'old@conference.example.org', reason: 'gone' },
      ],
    });
  });

  it('ignores words it does not know, and says nothing when none are known', () => {
    expect(readOnboarding([])).toBeUndefined();
    expect(readOnboarding(['', 'signed-in:2026-01-01T00:00:00Z', 'room', 'party:x@y', '<script>:a@b', 'room:a b@c'])).toBeUndefined();
    // A flood is cut short instead of filling the feed.
    const flood = Array.from({ length: 10_000 }, (_, i) => `room:r${i}@conference.example.org`);
    expect(readOnboarding(flood)?.rooms).toHaveLength(100);
  });

  it('reads each failure with its reason, and names a room by its local part', () => {
    const outcome = readOnboarding([
      'room:general@conference.example.org',
      'room:chess@conference.example.org',
      'member:chess@conference.example.org',
      'contact:a@example.org',
      'contact:b@example.org',
      'welcome:example.org',
      'room-failed:old@conference.example.org:gone',
      'contact-failed:bob@example.org:gone',
      'welcome-failed:example.org:no-offline',
      'room-failed:x@conference.example.org:no-pep',
    ]);
    expect(outcome?.failed.map((f) => f.reason)).toEqual(['gone', 'gone', 'no-offline', 'no-pep']);
    expect(roomLabel('lobby@conference.example.org')).toBe('#lobby');
  });

  it('accepts only sets the module can take', () => {
    const create = (onboarding: unknown): boolean => callArgumentSchemas.createInvites.safeParse([{ serverId: 's1', kind: 'account', onboarding }]).success;
    expect(create({ rooms: ['general@conference.example.org'], contacts: ['mod@example.org'], welcome: 'Hi', welcomeFrom: 'admin@example.org' })).toBe(true);
    expect(create({ rooms: ['not a jid'], contacts: [], welcome: '' })).toBe(false);
    expect(create({ rooms: [], contacts: [], welcome: 'x'.repeat(2001) })).toBe(false);
    expect(create({ rooms: Array.from({ length: 21 }, (_, i) => `r${i}@conference.example.org`), contacts: [], welcome: '' })).toBe(false);
    expect(create({ rooms: [], contacts: [], welcome: '', extra: true })).toBe(false);
  });
});
