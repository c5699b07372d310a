import xml, { type Element } from '@xmpp/xml';
import type { IqCaller } from '@xmpp/iq/caller.js';
import type { AdHocCommand } from '../../../common/api';

export const NS_DISCO_INFO = 'http://jabber.org/protocol/disco#info';
export const NS_DISCO_ITEMS = 'http://jabber.org/protocol/disco#items';
export const NS_COMMANDS = 'http://jabber.org/protocol/commands';
const NS_VERSION = 'jabber:iq:version';

/** Longest text kept from a server-supplied name, so a hostile server cannot flood the UI. */
const MAX_TEXT = 200;
const MAX_ITEMS = 500;

export interface DiscoInfo {
  features: string[];
  identities: { category: string; type: string; name?: string }[];
}

function clip(value: string | undefined | null): string {
  return (value ?? '').slice(0, MAX_TEXT);
}

export async function discoInfo(iq: IqCaller, to: string, timeoutMs: number, node?: string): Promise<DiscoInfo> {
  const reply = await iq.request(xml('iq', { type: 'get', to }, xml('query', { xmlns: NS_DISCO_INFO, node })), timeoutMs);
  return parseDiscoInfo(reply.getChild('query', NS_DISCO_INFO));
}

export function parseDiscoInfo(query: Element | undefined): DiscoInfo {
  if (!query) return { features: [], identities: [] };
  return {
    features: query
      .getChildren('feature')
      .slice(0, MAX_ITEMS)
      .map((f) => clip(f.attrs.var))
      .filter((v) => v !== ''),
    identities: query
      .getChildren('identity')
      .slice(0, MAX_ITEMS)
      .map((i) => ({ category: clip(i.attrs.category), type: clip(i.attrs.type), name: i.attrs.name === undefined ? undefined : clip(i.attrs.name) })),
  };
}

/** The ad-hoc commands the server lets this account run (XEP-0050 §2.2). */
export async function listCommands(iq: IqCaller, to: string, timeoutMs: number): Promise<AdHocCommand[]> {
  const reply = await iq.request(xml('iq', { type: 'get', to }, xml('query', { xmlns: NS_DISCO_ITEMS, node: NS_COMMANDS })), timeoutMs);
  return parseCommandItems(reply.getChild('query', NS_DISCO_ITEMS));
}

export function parseCommandItems(query: Element | undefined): AdHocCommand[] {
  if (!query) return [];
  const commands: AdHocCommand[] = [];
  for (const item of query.getChildren('item').slice(0, MAX_ITEMS)) {
    const node = item.attrs.node;
    if (typeof node !== 'string' || node === '' || node.length > 1000) continue;
    commands.push({ node, name: clip(item.attrs.name) || node });
  }
  return commands;
}

export async function softwareVersion(iq: IqCaller, to: string, timeoutMs: number): Promise<{ name: string; version: string } | undefined> {
  const reply = await iq.request(xml('iq', { type: 'get', to }, xml('query', NS_VERSION)), timeoutMs);
  const query = reply.getChild('query', NS_VERSION);
  const name = clip(query?.getChildText('name'));
  if (!name) return undefined;
  return { name, version: clip(query?.getChildText('version')) };
}
