import xml, { type Element } from '@xmpp/xml';
import type { OnboardingDefaults, Room } from '../../../common/api';
import { AdminError } from '../../../common/errors';
import { commandStage, runCommand } from '../xmpp/adhoc';
import { field, findDataForm, textValue } from '../xmpp/dataform';
import { NS_DISCO_INFO, NS_DISCO_ITEMS, parseDiscoInfo } from '../xmpp/disco';
import { describeRequestError } from '../error-messages';
import type { SessionContext } from './context';
import { MODULE_NODES, NS, onboardingValues, requireModule } from './invite-desk';

/**
 * What new members get (mod_invite_desk's onboarding): the rooms to offer,
 * found through service discovery, and the server's defaults.
 */

const MUC_FEATURE = 'http://jabber.org/protocol/muc';

/** More than a small community runs, few enough that asking each room stays quick. */
const MAX_SERVICES = 20;
const MAX_ROOMS = 500;
/** Rooms asked about at once. */
const IN_FLIGHT = 16;

async function items(ctx: SessionContext, to: string): Promise<string[]> {
  const reply = await ctx.iq.request(xml('iq', { type: 'get', to }, xml('query', { xmlns: NS_DISCO_ITEMS })), ctx.timeoutMs);
  return (reply.getChild('query', NS_DISCO_ITEMS)?.getChildren('item') ?? []).map((item) => item.attrs.jid).filter((jid): jid is string => typeof jid === 'string' && jid.length > 0 && jid.length <= 3071);
}

async function info(ctx: SessionContext, to: string): Promise<Element | undefined> {
  const reply = await ctx.iq.request(xml('iq', { type: 'get', to }, xml('query', { xmlns: NS_DISCO_INFO })), ctx.timeoutMs);
  return reply.getChild('query', NS_DISCO_INFO);
}

/** A room's disco#info (XEP-0045 §6.4): its name, whether it is members-only, and how many are in it. */
function describeRoom(jid: string, query: Element | undefined): Room | undefined {
  const { identities, features } = parseDiscoInfo(query);
  if (!identities.some((i) => i.category === 'conference')) return undefined;
  const room: Room = { jid, membersOnly: features.includes('muc_membersonly') };
  let roomInfo;
  try {
    roomInfo = query ? findDataForm(query) : undefined;
  } catch {
    roomInfo = undefined; // a form it cannot read takes nothing from the rest
  }
  const name = (roomInfo && textValue(roomInfo, 'muc#roomconfig_roomname')) ?? identities.find((i) => i.category === 'conference')?.name;
  if (name) room.name = name;
  const occupants = Number(roomInfo ? textValue(roomInfo, 'muc#roominfo_occupants') : undefined);
  if (Number.isInteger(occupants) && occupants >= 0) room.occupants = occupants;
  return room;
}

/** Runs `work` on each item, `limit` at a time. */
async function each<T, R>(list: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < list.length) {
      const index = next++;
      results[index] = await work(list[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, list.length) }, worker));
  return results;
}

/**
 * The rooms of the host's own chat services: the host's disco#items, those of
 * them with a `conference` identity and the MUC feature, and their rooms.
 * Prosody keeps hidden rooms out of disco#items: those of `include` on the
 * host's own services are asked about one by one. A room or service that
 * does not answer (one deleted, say) is left out rather than failing the list.
 */
export async function listRooms(ctx: SessionContext, include: readonly string[] = []): Promise<Room[]> {
  let children: string[];
  try {
    children = await items(ctx, ctx.domain);
  } catch (error) {
    throw describeRequestError(error, 'listing the services of the server');
  }
  // The module accepts rooms of the host's own components only: subdomains of it.
  const own = children.filter((jid) => !jid.includes('@') && jid.endsWith(`.${ctx.domain}`)).slice(0, MAX_SERVICES);
  const services = (
    await each(own, IN_FLIGHT, async (jid) => {
      const about = parseDiscoInfo(await info(ctx, jid).catch(() => undefined));
      return about.identities.some((i) => i.category === 'conference') && about.features.includes(MUC_FEATURE) ? jid : undefined;
    })
  ).filter((jid): jid is string => jid !== undefined);
  const listed = (await each(services, IN_FLIGHT, (service) => items(ctx, service).catch(() => [])))
    .flat()
    .filter((jid) => jid.includes('@') && !jid.includes('/'))
    .slice(0, MAX_ROOMS);
  const unlisted = include.filter((jid) => !listed.includes(jid) && (jid.split('@')[1] ?? '').endsWith(`.${ctx.domain}`));
  const roomJids = [...listed, ...new Set(unlisted)];
  const rooms = await each(roomJids, IN_FLIGHT, async (jid) => describeRoom(jid, await info(ctx, jid).catch(() => undefined)));
  return rooms.filter((room): room is Room => room !== undefined).sort((a, b) => (a.name ?? a.jid).localeCompare(b.name ?? b.jid));
}

/** The server's defaults, as the first stage of the module's command shows them; then it is cancelled. */
export async function readOnboardingDefaults(ctx: SessionContext): Promise<OnboardingDefaults> {
  requireModule(ctx, 'Rooms, contacts and a welcome for new members');
  const stage = await commandStage(ctx.iq, ctx.domain, MODULE_NODES.onboarding, {}, ctx.timeoutMs);
  if (stage.sessionid) void commandStage(ctx.iq, ctx.domain, MODULE_NODES.onboarding, { action: 'cancel', sessionid: stage.sessionid }, ctx.timeoutMs).catch(() => undefined);
  const form = stage.form;
  if (!form) throw new AdminError('server-error', 'The server did not show what new members get.');
  const jids = (name: string): string[] => (field(form, name)?.values ?? []).filter((v) => v !== '' && v.length <= 3071).slice(0, 100);
  const defaults: OnboardingDefaults = {
    serverId: ctx.serverId,
    community: (textValue(form, 'community') ?? ctx.domain).slice(0, 100),
    rooms: jids('rooms'),
    contacts: jids('contacts'),
    // The module keeps a blank line as a line with a space (forms drop empty values).
    welcome: (field(form, 'welcome')?.values ?? []).map((line) => (line.trim() === '' ? '' : line)).join('\n').slice(0, 2000),
  };
  const from = textValue(form, 'welcome-from');
  if (from) defaults.welcomeFrom = from;
  return defaults;
}

export async function writeOnboardingDefaults(ctx: SessionContext, defaults: OnboardingDefaults): Promise<void> {
  requireModule(ctx, 'Rooms, contacts and a welcome for new members');
  await runCommand(ctx.iq, ctx.domain, MODULE_NODES.onboarding, ctx.timeoutMs, { community: defaults.community, ...onboardingValues(defaults) }, { formType: NS.onboarding, submitFirst: true });
}
