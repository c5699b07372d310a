import { describe, expect, it } from 'vitest';
import type { Registration, SavedProfile } from '../../common/api';
import { Desk } from '../../renderer/src/lib/desk.svelte';
import { fakeApi } from './fake-api';

const profile = (id: string, unread: number): SavedProfile => ({ id, jid: `admin@${id}.example`, hasSavedCredentials: true, unread });
const signup = (serverId: string, n: number): Registration => ({
  serverId,
  id: `${serverId}-${n}`,
  username: `user${n}`,
  jid: `user${n}@${serverId}.example`,
  time: new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString(),
  source: 'invite-desk',
  catchUp: false,
});

describe("the UI's state of each server", () => {
  it('starts with the unread counts the backend kept, and tells it when a feed was read', async () => {
    const api = fakeApi({ listProfiles: () => Promise.resolve([profile('a', 2), profile('b', 5)]) });
    const desk = new Desk(api);
    await desk.start();
    expect(desk.totalUnread).toBe(7);
    desk.markFeedRead('b');
    expect(desk.totalUnread).toBe(2);
    expect(api.calls.filter((c) => c.method === 'markSignupsRead').map((c) => c.argument)).toEqual(['b']);
  });

  it('forgets everything of a removed server: its unread count, sign-ups and policy', async () => {
    const api = fakeApi({
      listProfiles: () => Promise.resolve([profile('a', 1), profile('b', 3)]),
      recentRegistrations: () => Promise.resolve([signup('a', 1), signup('b', 2), signup('b', 3)]),
    });
    const desk = new Desk(api);
    await desk.start();
    api.emit('policy', { serverId: 'b', policy: 'open' });
    await desk.remove('b');
    expect(desk.totalUnread).toBe(1);
    expect(desk.registrations.map((r) => r.serverId)).toEqual(['a']);
    expect(desk.policies.has('b')).toBe(false);
    expect(desk.profiles.map((p) => p.id)).toEqual(['a']);
  });
});
