import type { Invite, InviteKind } from '../../../common/api';
import { AdminError } from '../../../common/errors';
import { NODES } from '../capabilities';
import { runCommand } from '../xmpp/adhoc';
import { textValue } from '../xmpp/dataform';
import type { SessionContext } from './context';

/**
 * How many stock invites are in flight at once. Prosody handles them one
 * after another, rewriting its whole invite file for each, so this only
 * hides round trips; `npm run bench` compares strategies (one at a time was
 * slowest there). Bounded, so that a large batch on a big, slow store never
 * queues a request past its timeout.
 */
export const INVITE_BATCH_CONCURRENCY = 8;

type StockKind = Exclude<InviteKind, 'reset'>;

const NODE_FOR: Record<StockKind, string> = {
  account: NODES.createAccountInvite,
  contact: NODES.createContactInvite,
};

const SETUP_FOR: Record<StockKind, string> = {
  account: 'load "invites", "invites_adhoc" and "invites_register" in modules_enabled',
  contact: 'load "invites" and "invites_adhoc" in modules_enabled',
};

/** The token of an XEP-0401 URI: `xmpp:host?register;preauth=TOKEN[;…]`. */
export function tokenOf(uri: string): string | undefined {
  return /[?;]preauth=([^;&#\s]+)/.exec(uri)?.[1];
}

function parseExpiry(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/** One invite with the server's stock command; accepts both `form` (0.12.3) and `result` replies. */
export async function createStockInvite(ctx: SessionContext, kind: StockKind): Promise<Invite> {
  const node = NODE_FOR[kind];
  if (!ctx.commands.has(node)) {
    throw new AdminError('feature-missing', `This server does not offer ${kind} invites to you. To enable them, ${SETUP_FOR[kind]}, then restart Prosody.`);
  }
  const stage = await runCommand(ctx.iq, ctx.domain, node, ctx.timeoutMs);
  const form = stage.form;
  const uri = form ? textValue(form, 'uri') : undefined;
  const token = uri === undefined ? undefined : tokenOf(uri);
  if (!form || uri === undefined || token === undefined || !uri.startsWith('xmpp:')) {
    throw new AdminError('server-error', 'The server created an invite but did not say its link. Check the server log for mod_invites_adhoc errors.');
  }
  const invite: Invite = { serverId: ctx.serverId, kind, uri, token, createdAt: new Date().toISOString() };
  const landingUrl = textValue(form, 'landing-url');
  if (landingUrl !== undefined && /^https?:\/\//.test(landingUrl)) invite.landingUrl = landingUrl;
  const expires = parseExpiry(textValue(form, 'expire') ?? textValue(form, 'expiry'));
  if (expires !== undefined) invite.expires = expires;
  return invite;
}

/** `count` invites, `INVITE_BATCH_CONCURRENCY` at a time, in order. */
export async function createStockInvites(ctx: SessionContext, kind: StockKind, count: number, concurrency = INVITE_BATCH_CONCURRENCY): Promise<Invite[]> {
  const invites: Invite[] = new Array<Invite>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      invites[index] = await createStockInvite(ctx, kind);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return invites;
}
