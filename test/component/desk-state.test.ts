import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Registration, SavedProfile } from '../../common/api';
import { RECENT_SIGNUPS_PER_SERVER } from '../../common/limits';
import { RecentList } from '../../common/recent-list';
import { Desk } from '../../renderer/src/lib/desk.svelte';
import { fakeApi, serverInfo } from './fake-api';

const profile = (id: string, unread: number): SavedProfile => ({ id, jid: `admin@${id}.example`, hasSavedCredentials: true, unread, connectAtStart: true });
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

  it('keeps a status that arrived while it was loading over the older one the load answered with', async () => {
    let answerProfiles: (profiles: SavedProfile[]) => void = () => undefined;
    const api = fakeApi({
      listProfiles: () => new Promise((resolve) => (answerProfiles = resolve)),
      connectionStatuses: () => Promise.resolve([{ serverId: 'a', state: 'connecting' }]),
    });
    const desk = new Desk(api);
    const started = desk.start();
    // Connected at start: online comes as an event, after the statuses were answered but before the load is done.
    await Promise.resolve();
    api.emit('connection-status', { serverId: 'a', state: 'online' });
    answerProfiles([profile('a', 0)]);
    await started;
    expect(desk.statuses.get('a')?.state).toBe('online');
  });

  it('opens on the server shown last time, asking for its info beside the saved servers, and on the first if it is gone', async () => {
    const twoOnline = {
      listProfiles: () => Promise.resolve([profile('a', 0), profile('b', 0)]),
      connectionStatuses: () => Promise.resolve([{ serverId: 'a', state: 'online' as const }, { serverId: 'b', state: 'online' as const }]),
      serverInfo: (serverId: string) => Promise.resolve(serverInfo({ serverId, domain: `${serverId}.example` })),
    };
    const first = new Desk(fakeApi(twoOnline));
    await first.start();
    expect(first.selectedId).toBe('a');
    first.selectedId = 'b';

    const api = fakeApi(twoOnline);
    const reopened = new Desk(api);
    const started = reopened.start();
    // Asked for before the saved servers have answered.
    expect(api.calls.map((c) => c.method).slice(0, 3)).toEqual(['serverInfo', 'listProfiles', 'connectionStatuses']);
    expect(api.calls[0]?.argument).toBe('b');
    await started;
    expect(reopened.selectedId).toBe('b');
    expect(reopened.infos.get('b')?.domain).toBe('b.example');
    expect(api.calls.filter((c) => c.method === 'serverInfo').map((c) => c.argument)).toEqual(['b', 'a']);

    // A server removed in another window: its info is refused, and the first server is shown.
    localStorage.setItem('invite-desk.shown-server', 'removed-meanwhile');
    const fallback = new Desk(fakeApi({ ...twoOnline, serverInfo: (serverId: string) => (serverId === 'a' ? twoOnline.serverInfo(serverId) : Promise.reject(new Error('not-connected'))) }));
    await fallback.start();
    expect(fallback.selectedId).toBe('a');
    expect(fallback.infos.has('removed-meanwhile')).toBe(false);
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
    expect([...desk.signupsOf('a')].map((r) => r.id)).toEqual(['a-1']);
    expect(desk.signupsOf('b').length).toBe(0);
    expect(desk.policies.has('b')).toBe(false);
    expect(desk.profiles.map((p) => p.id)).toEqual(['a']);
  });
});

describe("the window's memory of sign-ups", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A sign-up that counts how often any of its fields is read once `armed` says so. */
  function watched(serverId: string, n: number, reads: { armed: boolean; count: number }): Registration {
    return new Proxy(signup(serverId, n), {
      get(target, key, receiver) {
        if (reads.armed) reads.count++;
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
  }

  it('keeps the latest sign-ups of each server up to the same cap as the backend, each server on its own', async () => {
    vi.useFakeTimers();
    const api = fakeApi({ listProfiles: () => Promise.resolve([profile('busy', 0), profile('quiet', 0)]) });
    const desk = new Desk(api);
    await desk.start();
    for (let n = 0; n < RECENT_SIGNUPS_PER_SERVER + 5; n++) api.emit('registration', signup('busy', n));
    for (let n = 0; n < 3; n++) api.emit('registration', signup('quiet', n));
    await vi.advanceTimersByTimeAsync(50);
    const busy = desk.signupsOf('busy');
    expect(busy.length).toBe(RECENT_SIGNUPS_PER_SERVER);
    expect(busy.slice(0, 1)[0]?.id).toBe(`busy-${RECENT_SIGNUPS_PER_SERVER + 4}`);
    expect(busy.slice(RECENT_SIGNUPS_PER_SERVER - 1)[0]?.id).toBe('busy-5');
    // The busy server pushed out none of the quiet one's.
    expect(desk.signupsOf('quiet').length).toBe(3);
    expect(desk.totalUnread).toBe(RECENT_SIGNUPS_PER_SERVER + 5 + 3);
  });

  it('adds a burst without reading, sorting or copying the sign-ups it already holds', async () => {
    vi.useFakeTimers();
    const reads = { armed: false, count: 0 };
    const held = Array.from({ length: 5_000 }, (_, n) => watched('s1', n, reads));
    const api = fakeApi({ recentRegistrations: () => Promise.resolve(held) });
    const desk = new Desk(api);
    await desk.start();
    expect(desk.signupsOf('s1').length).toBe(5_000);
    reads.armed = true;
    for (let n = 5_000; n < 5_010; n++) api.emit('registration', signup('s1', n));
    await vi.advanceTimersByTimeAsync(50);
    expect(reads.count).toBe(0);
    reads.armed = false;
    expect(desk.signupsOf('s1').slice(0, 2).map((r) => r.id)).toEqual(['s1-5009', 's1-5008']);
    expect(desk.signupsOf('s1').length).toBe(5_010);
  });

  it('lists a sign-up that comes both with the history and live once, and counts it as the backend does: if it came after the counts', async () => {
    vi.useFakeTimers();
    let answerProfiles: (profiles: SavedProfile[]) => void = () => undefined;
    let answerHistory: (registrations: Registration[]) => void = () => undefined;
    const api = fakeApi({
      listProfiles: () => new Promise((resolve) => (answerProfiles = resolve)),
      recentRegistrations: () => new Promise((resolve) => (answerHistory = resolve)),
    });
    const desk = new Desk(api, { historyAfterFirstScreen: true });
    const started = desk.start();
    await vi.advanceTimersByTimeAsync(0);
    // Told of before the saved servers' answer: its count of 4 has it already.
    api.emit('registration', signup('s1', 2));
    answerProfiles([profile('s1', 4)]);
    await started;
    // Told of after it, while the window has not loaded its history yet (a catch-up at start, say): held back, so
    // that the history stays older than them, and new to the backend's count.
    api.emit('registration', signup('s1', 3));
    api.emit('registration', signup('s1', 4));
    const history = desk.loadHistory();
    // The history answered after those came, so it has them too.
    answerHistory([signup('s1', 1), signup('s1', 2), signup('s1', 3), signup('s1', 4)]);
    await history;
    await vi.advanceTimersByTimeAsync(50);
    expect([...desk.signupsOf('s1')].map((r) => r.id)).toEqual(['s1-4', 's1-3', 's1-2', 's1-1']);
    expect(desk.unread.get('s1')).toBe(6);
    // Live from now on: each one counts once, however often it is told of.
    api.emit('registration', signup('s1', 5));
    api.emit('registration', signup('s1', 5));
    await vi.advanceTimersByTimeAsync(50);
    expect(desk.unread.get('s1')).toBe(7);
  });
});

describe('a list of the latest items', () => {
  it('never holds more than twice its limit, and drops the oldest first', () => {
    const list = new RecentList<number>(4);
    const dropped: (number | undefined)[] = [];
    for (let n = 0; n < 50; n++) {
      dropped.push(list.push(n));
      expect(list.footprint).toBeLessThanOrEqual(8);
    }
    expect(list.oldestFirst()).toEqual([46, 47, 48, 49]);
    expect([list.newest(0), list.newest(3), list.newest(4)]).toEqual([49, 46, undefined]);
    expect(dropped.slice(0, 5)).toEqual([undefined, undefined, undefined, undefined, 0]);
  });
});
