import type { CreateInvitesRequest, Invite, InviteKind } from '../../../common/api';
import { AdminError } from '../../../common/errors';
import { NODES } from '../capabilities';
import { runCommand } from '../xmpp/adhoc';
import { textValue } from '../xmpp/dataform';
import type { SessionContext } from './context';
import { MODULE_SETUP, requireModule } from './invite-desk';

/**
 * How many stock invites are in flight at once. Prosody handles them one
 * after another, rewriting its whole invite file for each, so this only
 * hides round trips, and those are what an admin over the internet waits
 * for: at 100 ms RTT, 100 invites took 2.5 s with 8 in flight, 1.5 s with 32
 * and 1.2 s with all 100 (`npm run bench`, round trips). Bounded, so that a
 * large batch on a big, slow store never queues a request past its timeout.
 */
export const INVITE_BATCH_CONCURRENCY = 32;

type StockKind = Exclude<InviteKind, 'reset'>;

const ADMIN_FORM = 'http://jabber.org/protocol/admin';

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

/** Reads the invite a stock command made; accepts both `form` (0.12.3) and `result` replies. */
async function runInviteCommand(ctx: SessionContext, kind: InviteKind, node: string, values?: Record<string, string>): Promise<Invite> {
  const what = kind === 'reset' ? 'creating a password-reset invite' : `creating ${kind === 'contact' ? 'a contact' : 'an account'} invite`;
  const stage = await runCommand(ctx.iq, ctx.domain, node, ctx.timeoutMs, values, { submitFirst: values !== undefined, what });
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

/** One invite with the server's stock command. */
export async function createStockInvite(ctx: SessionContext, kind: StockKind): Promise<Invite> {
  const node = NODE_FOR[kind];
  if (!ctx.commands.has(node)) {
    throw new AdminError('feature-missing', `This server does not offer ${kind} invites to you. To enable them, ${SETUP_FOR[kind]}, then restart Prosody.`);
  }
  return runInviteCommand(ctx, kind, node);
}

/**
 * A password-reset invite with Prosody 13's stock command. The command itself
 * takes any name, even one of another host or of nobody, so both are checked
 * here first.
 */
export async function createStockReset(ctx: SessionContext, username: string | undefined): Promise<Invite> {
  if (!ctx.commands.has(NODES.passwordResetInvite)) {
    throw new AdminError(
      'feature-missing',
      `A password-reset invite needs Prosody 13 with "invites_adhoc" loaded, or the Invite Desk module, on ${ctx.domain}; this server offers neither to you. ` +
        `To enable it, upgrade to Prosody 13 (its mod_invites_adhoc has the command), or ${MODULE_SETUP}.`,
    );
  }
  if (username === undefined) throw new AdminError('invalid-input', 'A password-reset invite is for one account: enter its name.');
  const jid = `${username}@${ctx.domain}`;
  if (ctx.commands.has(NODES.userStats)) {
    // Prosody answers this one with an error note when the account does not exist.
    await runCommand(ctx.iq, ctx.domain, NODES.userStats, ctx.timeoutMs, { accountjid: jid }, { formType: ADMIN_FORM, submitFirst: true, what: 'looking up the account' }).catch((error: unknown) => {
      throw error instanceof AdminError && /does not exist/i.test(error.message)
        ? new AdminError('invalid-input', `There is no account ${jid} on ${ctx.domain}, so it has no password to reset. Check the name.`)
        : error;
    });
  }
  return runInviteCommand(ctx, 'reset', NODES.passwordResetInvite, { accountjid: jid });
}

/** What stock Prosody can make: no expiry, use limit, note or role of the app's choosing; one reset at a time. */
export async function createStockRequest(ctx: SessionContext, request: CreateInvitesRequest): Promise<Invite[]> {
  const { kind, count = 1 } = request;
  const wanted = (['expiresInSeconds', 'maxUses', 'note', 'username', 'role'] as const).filter(
    (option) => request[option] !== undefined && !(kind === 'reset' && option === 'username'),
  );
  if (wanted.length > 0) requireModule(ctx, `Invite options (${wanted.join(', ')})`);
  if (kind === 'reset') {
    if (count !== 1) throw new AdminError('invalid-input', 'Make one password-reset invite at a time.');
    return [await createStockReset(ctx, request.username)];
  }
  return createStockInvites(ctx, kind, count);
}

/**
 * `count` invites, `INVITE_BATCH_CONCURRENCY` at a time, in order. When one
 * fails, no more are started; the error carries the invites made before it
 * (`detail.created`), since they exist on the server and may be handed out.
 */
export async function createStockInvites(ctx: SessionContext, kind: StockKind, count: number, concurrency = INVITE_BATCH_CONCURRENCY): Promise<Invite[]> {
  const invites: (Invite | undefined)[] = new Array<Invite | undefined>(count);
  let next = 0;
  let failure: unknown;
  const worker = async (): Promise<void> => {
    while (next < count && failure === undefined) {
      const index = next++;
      try {
        invites[index] = await createStockInvite(ctx, kind);
      } catch (error) {
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  const created = invites.filter((invite): invite is Invite => invite !== undefined);
  if (failure === undefined) return created;
  throw partialBatchError(failure, created, count);
}

/** The batch's failure, with the invites made before it and a message that counts them. */
function partialBatchError(failure: unknown, created: Invite[], count: number): AdminError {
  const cause = failure instanceof AdminError ? failure : new AdminError('server-error', failure instanceof Error ? failure.message : 'The server failed.');
  if (created.length === 0) return cause;
  const made = `${created.length} of ${count} invites were made before this`;
  const detail = typeof cause.detail === 'object' && cause.detail !== null ? { ...cause.detail, created } : { created };
  return new AdminError(cause.code, `${made}: ${cause.message} The ${created.length} made are shown below and work; make the rest once the server answers again.`, detail);
}
