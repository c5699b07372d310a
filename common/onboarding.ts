import type { Onboarding, OnboardingFailure } from './api';

/**
 * What a new member got on joining, as mod_invite_desk reports it: one word
 * per part, such as `room:general@conference.example.org` or
 * `contact-failed:bob@example.org:gone`, in its sign-up events and on the
 * ledger's record of each use. Read here field by field (the server's words
 * are not trusted), and put in the admin's words for the feed and the ledger.
 */

const PARTS = ['room', 'member', 'contact', 'welcome', 'onboarding'] as const;
type Part = (typeof PARTS)[number];
const WORD = /^([a-z]+)(-failed)?:([^\s:]{1,3071})(?::([a-z-]{1,40}))?$/;
/** More words than any set can make (20 rooms, each bookmarked and joined, and 20 contacts): the rest are ignored. */
const MAX_WORDS = 100;

const isPart = (value: string): value is Part => (PARTS as readonly string[]).includes(value);

/** The outcome in `words`, or undefined when they say nothing Invite Desk knows. */
export function readOnboarding(words: readonly string[]): Onboarding | undefined {
  const outcome: Onboarding = { rooms: [], memberOf: [], contacts: [], failed: [] };
  let known = false;
  for (const word of words.slice(0, MAX_WORDS)) {
    const match = WORD.exec(word);
    const [, part = '', failed, jid = '', reason] = match ?? [];
    if (!match || !isPart(part)) continue;
    known = true;
    if (failed) outcome.failed.push({ part, jid, reason: reason ?? 'error' });
    else if (part === 'room') outcome.rooms.push(jid);
    else if (part === 'member') outcome.memberOf.push(jid);
    else if (part === 'contact') outcome.contacts.push(jid);
    else if (part === 'welcome') outcome.welcomedBy = jid;
  }
  return known ? outcome : undefined;
}

/** A room as people name it in chat: `#general` for general@conference.example.org. */
export function roomLabel(jid: string): string {
  const at = jid.indexOf('@');
  return `#${at > 0 ? jid.slice(0, at) : jid}`;
}

const list = (items: readonly string[]): string => items.join(', ');

function failureWords(failure: OnboardingFailure): string {
  const { part, jid, reason } = failure;
  if (part === 'room' || part === 'member') {
    const room = roomLabel(jid);
    if (reason === 'gone') return `${room} no longer exists`;
    if (part === 'member') return `not made a member of ${room}`;
    if (reason === 'no-pep') return `${room} not bookmarked: the server has no PEP (mod_pep)`;
    return `${room} not bookmarked`;
  }
  if (part === 'contact') return reason === 'gone' ? `contact ${jid} no longer exists` : `contact ${jid} not added`;
  if (part === 'welcome') return reason === 'no-offline' ? 'welcome not sent: the server keeps no offline messages (mod_offline)' : 'welcome not sent';
  return "onboarding failed: see the server's log";
}

/** "joined #general, #chess · 2 contacts · welcomed", and each part that failed in words of its own. */
export function describeOnboarding(outcome: Onboarding): { got: string; failed: string[] } {
  const got: string[] = [];
  if (outcome.rooms.length > 0) got.push(`joined ${list(outcome.rooms.map(roomLabel))}`);
  if (outcome.contacts.length > 0) got.push(outcome.contacts.length === 1 ? '1 contact' : `${outcome.contacts.length} contacts`);
  if (outcome.welcomedBy !== undefined) got.push('welcomed');
  return { got: got.join(' · '), failed: outcome.failed.map(failureWords) };
}
