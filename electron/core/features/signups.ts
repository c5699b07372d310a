import { createHash } from 'node:crypto';
import type { Element } from '@xmpp/xml';
import type { Registration } from '../../../common/api';
import { DEFAULT_REGISTRATION_TEMPLATE } from '../../../common/registration-template';

/**
 * Sign-ups on stock Prosody: mod_watchregistrations sends admins a plain-text
 * message built from a template. This reads such messages back into
 * Registration events, and ignores everything else.
 */

export { DEFAULT_REGISTRATION_TEMPLATE };
const NS_DELAY = 'urn:xmpp:delay';
const MAX_BODY = 4_000;

export interface RegistrationMatcher {
  match(body: string): { username: string; ip?: string } | null;
}

/**
 * Turns a `registration_notification` template into a matcher. `$username`
 * and `$ip` are captured; `$host` must be this server; any other `$var`
 * matches any text, as Prosody fills it from the event.
 */
export function registrationMatcher(template: string, domain: string): RegistrationMatcher {
  const names: string[] = [];
  const pattern = template
    .split(/(\$\w+)/)
    .map((part) => {
      if (!part.startsWith('$')) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const name = part.slice(1);
      if (name === 'host') return domain.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(name);
      return name === 'username' ? '([^\\s@/"&\'<>:]+)' : name === 'ip' ? '([0-9A-Fa-f:.]+)' : '(.*?)';
    })
    .join('');
  const regex = new RegExp(`^${pattern}$`);
  return {
    match(body) {
      const found = regex.exec(body.trim());
      if (!found) return null;
      const value = (name: string): string | undefined => {
        const index = names.indexOf(name);
        return index === -1 ? undefined : found[index + 1];
      };
      const username = value('username');
      if (!username) return null;
      const ip = value('ip');
      return ip ? { username, ip } : { username };
    },
  };
}

/**
 * Reads one incoming message. Only messages from the server itself count:
 * anyone can send an admin a text that looks like a sign-up notice.
 */
export function readRegistrationMessage(stanza: Element, serverId: string, domain: string, matcher: RegistrationMatcher, now: Date): Registration | null {
  if (!stanza.is('message')) return null;
  const type = stanza.attrs.type ?? 'normal';
  if (type === 'error' || type === 'groupchat') return null;
  if ((stanza.attrs.from ?? '').toLowerCase() !== domain) return null;
  const body = stanza.getChildText('body');
  if (body === null || body.length > MAX_BODY) return null;
  const found = matcher.match(body);
  if (!found) return null;

  const stamp = stanza.getChild('delay', NS_DELAY)?.attrs.stamp;
  const delayed = stamp === undefined ? Number.NaN : Date.parse(stamp);
  const catchUp = !Number.isNaN(delayed);
  const time = new Date(catchUp ? delayed : now.getTime()).toISOString();
  const jid = `${found.username.toLowerCase()}@${domain}`;
  const registration: Registration = {
    serverId,
    // The same notice delivered twice carries the same stamp; a live one is keyed to its minute.
    id: createHash('sha256').update(`${serverId}\n${jid}\n${catchUp ? time : time.slice(0, 16)}`).digest('base64url').slice(0, 22),
    username: found.username,
    jid,
    time,
    source: 'watchregistrations',
    catchUp,
  };
  if (found.ip) registration.ip = found.ip;
  return registration;
}

/** Remembers recent sign-ups so that a repeat of the same notice is reported once. */
export class RecentIds {
  private readonly seen = new Set<string>();
  private readonly limit: number;

  constructor(limit = 10_000) {
    this.limit = limit;
  }

  /** True the first time an id is offered. */
  add(id: string): boolean {
    if (this.seen.has(id)) return false;
    this.seen.add(id);
    if (this.seen.size > this.limit) {
      const oldest = this.seen.values().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    return true;
  }
}
