import type { InviterTree, InviterTreeEntry, MemberInviteRules, MemberInviters } from '../../../common/api';
import { AdminError } from '../../../common/errors';
import { peekCommandForm, runCommand } from '../xmpp/adhoc';
import { field, textValue } from '../xmpp/dataform';
import type { SessionContext } from './context';
import { MODULE_SETUP, NS } from './invite-desk';

/** mod_invite_desk's member invites: who may invite, their quotas, and who invited whom. */
export const MEMBER_NODES = {
  settings: `${NS.members}#settings`,
  tree: `${NS.members}#tree`,
  revokePending: `${NS.members}#revoke-pending`,
  holdInvitees: `${NS.members}#hold-invitees`,
} as const;

const WHO: readonly string[] = ['admins', 'members', 'role'];
const ROLE_NAME = /^[\w.:-]{1,100}$/;

export function hasMemberInvites(commands: ReadonlySet<string>): boolean {
  return commands.has(MEMBER_NODES.tree);
}

function requireMembers(ctx: SessionContext): void {
  if (!hasMemberInvites(ctx.commands)) {
    throw new AdminError('feature-missing', `Member invites need a newer Invite Desk module on ${ctx.domain}. To get it, ${MODULE_SETUP}.`);
  }
}

/** A whole number the server sent, within `min` and `max`, or its default. */
function whole(value: string | undefined, min: number, max: number, fallback: number): number {
  const n = Number(value);
  return Number.isInteger(n) && n >= min && n <= max ? n : fallback;
}

/** The rules as the settings command shows them for its defaults, and on 13 the roles it offers. */
export async function readMemberRules(ctx: SessionContext): Promise<MemberInviteRules> {
  requireMembers(ctx);
  const form = await peekCommandForm(ctx.iq, ctx.domain, MEMBER_NODES.settings, ctx.timeoutMs);
  if (!form) throw new AdminError('server-error', 'The server did not show its rules for member invites.');
  const value = (name: string): string | undefined => textValue(form, name);
  const who = value('who') ?? 'admins';
  const rules: MemberInviteRules = {
    serverId: ctx.serverId,
    who: (WHO.includes(who) ? who : 'admins') as MemberInviters,
    perPeriod: whole(value('per-period'), 0, 100_000, 3),
    periodDays: whole(value('period-days'), 1, 3650, 7),
    maxPending: whole(value('max-pending'), 0, 100_000, 3),
    minAgeDays: whole(value('min-age-days'), 0, 3650, 7),
  };
  const role = value('role');
  if (role && ROLE_NAME.test(role)) rules.role = role;
  const roles = (field(form, 'role')?.options ?? []).map((o) => o.value).filter((name) => ROLE_NAME.test(name));
  if (roles.length > 0) rules.roles = roles.slice(0, 100);
  return rules;
}

export async function writeMemberRules(ctx: SessionContext, rules: MemberInviteRules): Promise<void> {
  requireMembers(ctx);
  if (rules.who === 'role' && !rules.role) throw new AdminError('invalid-input', 'Choose the role whose members may invite people.');
  await runCommand(
    ctx.iq,
    ctx.domain,
    MEMBER_NODES.settings,
    ctx.timeoutMs,
    {
      who: rules.who,
      role: rules.who === 'role' ? (rules.role ?? '') : '',
      'per-period': rules.perPeriod,
      'period-days': rules.periodDays,
      'max-pending': rules.maxPending,
      'min-age-days': rules.minAgeDays,
    },
    { formType: NS.members, submitFirst: true },
  );
}

export async function readInviterTree(ctx: SessionContext): Promise<InviterTree> {
  requireMembers(ctx);
  const { form } = await runCommand(ctx.iq, ctx.domain, MEMBER_NODES.tree, ctx.timeoutMs);
  const entries = (form?.items ?? []).flatMap((row): InviterTreeEntry[] => {
    const jid = textValue(row, 'jid');
    if (!jid?.endsWith(`@${ctx.domain}`) || jid.length > 3071) return [];
    const entry: InviterTreeEntry = { jid, pending: whole(textValue(row, 'pending'), 0, 1_000_000, 0), holdInvitees: textValue(row, 'hold-invitees') === '1' };
    const invitedBy = textValue(row, 'invited-by');
    if (invitedBy && invitedBy.length <= 3071) entry.invitedBy = invitedBy;
    const joined = Date.parse(textValue(row, 'joined') ?? '');
    if (!Number.isNaN(joined)) entry.joined = new Date(joined).toISOString();
    return [entry];
  });
  const total = whole(form ? textValue(form, 'total') : undefined, entries.length, Number.MAX_SAFE_INTEGER, entries.length);
  return { entries, total };
}

/** Revokes a member's unused invites, however they were made, in one command. */
export async function revokeMemberInvites(ctx: SessionContext, jid: string): Promise<number> {
  requireMembers(ctx);
  const { form } = await runCommand(ctx.iq, ctx.domain, MEMBER_NODES.revokePending, ctx.timeoutMs, { jid }, { formType: NS.members, submitFirst: true });
  return whole(form ? textValue(form, 'revoked') : undefined, 0, 1_000_000, 0);
}

export async function holdInvitees(ctx: SessionContext, jid: string, hold: boolean): Promise<void> {
  requireMembers(ctx);
  await runCommand(ctx.iq, ctx.domain, MEMBER_NODES.holdInvitees, ctx.timeoutMs, { jid, hold }, { formType: NS.members, submitFirst: true });
}
