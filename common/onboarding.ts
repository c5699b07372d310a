import type { Onboarding, Room } from './api';
import { prosodySeries, type SetupGuide, type SoftwareVersion } from './setup-guide';

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
  const target = series === 'unknown' ? 'Prosody 0.12 or later (the server did not say its version)' : `Prosody ${software?.version ?? ''}`.trim();
  if (series === 'older') {
    return { series, target, summary: `${target} is too old for Invite Desk: upgrade to Prosody 0.12 or later first.`, steps: [] };
  }
  const shown = rooms.length > 0 ? rooms.slice(0, 5) : [{ jid: `general@conference.${domain}`, name: 'General', membersOnly: false }];
  const bookmarks = shown.map((room) => `    { jid = ${JSON.stringify(room.jid)}, name = ${JSON.stringify(room.name ?? roomLabel(room.jid).slice(1))}, autojoin = true };`);
  return {
    series,
    target,
    summary: `Without the Invite Desk module, ${target} can give every new account the same rooms and one welcome from the server, set in its config file; not per invite, without contacts, and with no record of what each member got:`,
    steps: [
      {
        title: 'Install mod_default_bookmarks',
        kind: 'shell',
        code: 'sudo apt-get install -y prosody-modules',
        note:
          series === '13'
            ? "Debian's prosody-modules (on Debian 12, the one in bookworm-backports that matches Prosody 13: add -t bookworm-backports). mod_welcome ships with Prosody."
            : "Debian's prosody-modules, which carries mod_default_bookmarks. mod_welcome ships with Prosody.",
      },
      {
        title: 'Configure them',
        kind: 'config',
        code: [
          'plugin_paths = { "/usr/lib/prosody/modules" } -- where prosody-modules installs them',
          'modules_enabled = { …, "default_bookmarks", "welcome" }',
          'default_bookmarks = {',
          ...bookmarks,
          '}',
          'welcome_message = "Hello $username, welcome to $host!"',
        ].join('\n'),
        note: 'mod_default_bookmarks gives its rooms only to accounts that have no bookmarks yet, and members-only rooms do not make anyone a member. mod_welcome fills in $username and $host.',
      },
      {
        title: 'Load them now, without a restart',
        kind: 'shell',
        code: `sudo prosodyctl reload\nsudo prosodyctl shell module load default_bookmarks ${domain}\nsudo prosodyctl shell module load welcome ${domain}`,
        note: 'The reload reads the new options; loading goes through mod_admin_shell. Without it, restart instead: sudo prosodyctl restart',
      },
    ],
  };
}
