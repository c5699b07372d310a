import { describe, expect, it, vi } from 'vitest';
import xml from '@xmpp/xml';
import type { JoinRequest, JoinRequestsChange } from '../../common/api';
import { JoinRequestBook, sameAddressLastHour } from '../../common/join-requests';
import { createRequestNotifier, type RequestNotice } from '../../common/request-notifier';
import { readRequestsMessage } from '../../electron/core/features/join-requests';
import { inviterTrees } from '../../common/inviter-tree';

const NS = 'urn:x-invite-desk:requests:0';
const at = (minute: number): string => new Date(Date.UTC(2026, 11, 1, 12, minute)).toISOString();
const request = (username: string, minute = 0, ip = '203.0.113.7'): JoinRequest => ({ serverId: 's', username, jid: `${username}@example.org`, time: at(minute), ip, why: 'no-invite' });
const change = (parts: Partial<JoinRequestsChange>): JoinRequestsChange => ({ serverId: 's', domain: 'example.org', unseen: 0, ...parts });

describe('the book of waiting requests', () => {
  it('keeps changes that arrive while a list is on its way, and applies them again on top of it', () => {
    const book = new JoinRequestBook();
    book.apply({ added: [request('old')] });
    book.listing();
    // Pushed while the list was asked for: one the list holds, one it missed, and a decision it holds already.
    book.apply({ added: [request('ann', 1)] });
    book.apply({ added: [request('late', 3)] });
    book.apply({ removed: ['old@example.org'] });
    book.apply({ list: [request('ann', 1), request('bob', 2)] });
    expect(book.list().map((r) => r.username)).toEqual(['late', 'bob', 'ann']);
    // Once listed, later changes are not kept for another list.
    book.apply({ removed: ['late@example.org'] });
    book.apply({ list: [request('bob', 2)] });
    expect(book.list().map((r) => r.username)).toEqual(['bob']);
  });

  it('forgets what it kept when the list never comes', () => {
    const book = new JoinRequestBook();
    book.listing();
    book.apply({ added: [request('ann')] });
    book.abandonListing();
    book.apply({ list: [] });
    expect(book.size).toBe(0);
  });
});

describe('requests from the same address', () => {
  it('counts those of the last hour from each address', () => {
    const now = Date.parse(at(70));
    const counts = sameAddressLastHour([request('a', 65), request('b', 69), request('c', 5), request('d', 66, '198.51.100.2'), { ...request('e', 66), ip: undefined }], now);
    expect(Object.fromEntries(counts)).toEqual({ 'a@example.org': 2, 'b@example.org': 2, 'c@example.org': 2, 'd@example.org': 1, 'e@example.org': 0 });
  });
});

describe('notifications of requests to join', () => {
  it('folds a burst into one per server, and names the one who asked alone', () => {
    vi.useFakeTimers();
    try {
      const shown: RequestNotice[] = [];
      const notify = createRequestNotifier({ show: (notice) => shown.push(notice) });
      for (let i = 0; i < 200; i++) notify(change({ added: [request(`bot${i}`)], unseen: 1 }));
      notify(change({ serverId: 't', domain: 'garden.example', added: [{ ...request('ann'), reason: 'choir' }], unseen: 1 }));
      notify(change({ removed: ['bot1@example.org'], unseen: 0 }));
      vi.advanceTimersByTime(1500);
      expect(shown).toEqual([
        { serverId: 's', title: '200 people ask to join example.org', body: 'Approve or reject them in Invite Desk.' },
        { serverId: 't', title: 'Someone asks to join garden.example', body: 'ann@example.org: “choir”' },
      ]);
      notify(change({ list: [request('x')], unseen: 0 }));
      vi.advanceTimersByTime(1500);
      expect(shown).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('a request pushed by the module', () => {
  const pushed = (attrs: Record<string, string>, from = 'example.org'): ReturnType<typeof xml> =>
    xml('message', { from, type: 'headline' }, xml('request', { xmlns: NS, jid: 'ann@example.org', time: at(1), ...attrs }, xml('reason', {}, 'choir')));

  it('is read value by value, and anything not one of this server’s accounts is dropped', () => {
    expect(readRequestsMessage(pushed({ ip: '203.0.113.7', why: 'invite', invite: 'a1b2c3d4e5f60718' }), 's', 'example.org')).toEqual({
      added: [{ serverId: 's', username: 'ann', jid: 'ann@example.org', time: at(1), ip: '203.0.113.7', why: 'invite', invite: 'a1b2c3d4e5f60718', reason: 'choir' }],
    });
    expect(readRequestsMessage(pushed({ jid: 'ann@evil.example' }), 's', 'example.org')).toBeNull();
    expect(readRequestsMessage(pushed({ jid: 'a/b@example.org' }), 's', 'example.org')).toBeNull();
    expect(readRequestsMessage(pushed({ time: 'yesterday' }), 's', 'example.org')).toBeNull();
    expect(readRequestsMessage(pushed({}, 'mallory@example.org'), 's', 'example.org')).toBeNull();
    const odd = readRequestsMessage(pushed({ ip: '<script>', why: 'because', invite: 'TOKEN' }), 's', 'example.org');
    expect(odd?.added?.[0]).toMatchObject({ why: 'no-invite' });
    expect(odd?.added?.[0]).not.toHaveProperty('ip');
    expect(odd?.added?.[0]).not.toHaveProperty('invite');
  });

  it('reads a decision as the accounts that no longer wait', () => {
    const decided = xml('message', { from: 'example.org' }, xml('decided', { xmlns: NS, outcome: 'rejected' }, xml('account', { jid: 'ann@example.org' }), xml('account', { jid: 'x@elsewhere.example' })));
    expect(readRequestsMessage(decided, 's', 'example.org')).toEqual({ removed: ['ann@example.org'] });
  });
});

describe('the inviter tree', () => {
  it('starts a tree at each account whose inviter is not an account, and shows each account once even where the data loops', () => {
    const trees = inviterTrees([
      { jid: 'admin@x', pending: 0, holdInvitees: false },
      { jid: 'ann@x', invitedBy: 'admin@x', joined: at(2), pending: 0, holdInvitees: false },
      { jid: 'bob@x', invitedBy: 'admin@x', joined: at(1), pending: 0, holdInvitees: false },
      { jid: 'kid@x', invitedBy: 'ann@x', pending: 0, holdInvitees: false },
      { jid: 'loop1@x', invitedBy: 'loop2@x', pending: 0, holdInvitees: false },
      { jid: 'loop2@x', invitedBy: 'loop1@x', pending: 0, holdInvitees: false },
      { jid: 'self@x', invitedBy: 'self@x', pending: 0, holdInvitees: false },
      { jid: 'orphan@x', invitedBy: 'gone@x', pending: 0, holdInvitees: false },
    ]);
    const shape = (nodes: ReturnType<typeof inviterTrees>): unknown[] => nodes.map((n) => (n.children.length ? { [n.entry.jid]: shape(n.children) } : n.entry.jid));
    // Those that joined at unknown times go by name.
    expect(shape(trees)).toEqual([{ 'admin@x': ['bob@x', { 'ann@x': ['kid@x'] }] }, { 'loop1@x': ['loop2@x'] }, 'orphan@x', 'self@x']);
  });
});
