import type { Onboarding, Room } from './api';
import { prosodySeries, targetOf, type SetupGuide, type SoftwareVersion } from './setup-guide';

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

/**
 * What stock Prosody offers closest to per-invite onboarding: the same rooms
 * for every new account (mod_default_bookmarks, from prosody-modules, which
 * acts only while an account has no bookmarks at all) and one welcome text
 * from the server (Prosody's own mod_welcome), set in the config file. The
 * steps for the server's version, with `rooms` (or an example) filled in.
 */
export function serverWideOnboardingGuide(domain: string, software: SoftwareVersion | undefined, rooms: readonly Room[]): SetupGuide {
  const series = prosodySeries(software);
  const target = targetOf(series, software);
  if (series === 'older') return { series, target, summary: { id: 'guide.onboarding.tooOld' }, steps: [] };
  const shown = rooms.length > 0 ? rooms.slice(0, 5) : [{ jid: `general@conference.${domain}`, name: 'General', membersOnly: false }];
  const bookmarks = shown.map((room) => `    { jid = ${JSON.stringify(room.jid)}, name = ${JSON.stringify(room.name ?? roomLabel(room.jid).slice(1))}, autojoin = true };`);
  return {
    series,
    target,
    summary: { id: 'guide.onboarding.summary' },
    steps: [
      {
        title: { id: 'guide.onboarding.install' },
        kind: 'shell',
        code: 'sudo apt-get install -y prosody-modules',
        note: { id: series === '13' ? 'guide.onboarding.installNote13' : 'guide.onboarding.installNote' },
      },
      {
        title: { id: 'guide.onboarding.configure' },
        kind: 'config',
        code: [
          'plugin_paths = { "/usr/lib/prosody/modules" } -- where prosody-modules installs them',
          'modules_enabled = { …, "default_bookmarks", "welcome" }',
          'default_bookmarks = {',
          ...bookmarks,
          '}',
          'welcome_message = "Hello $username, welcome to $host!"',
        ].join('\n'),
        note: { id: 'guide.onboarding.configureNote' },
      },
      {
        title: { id: 'guide.onboarding.load' },
        kind: 'shell',
        code: `sudo prosodyctl reload\nsudo prosodyctl shell module load default_bookmarks ${domain}\nsudo prosodyctl shell module load welcome ${domain}`,
        note: { id: 'guide.onboarding.loadNote' },
      },
    ],
  };
}
