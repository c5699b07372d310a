import type { ActivityKind, AdminActivity } from './api';

/** What mod_invite_desk's activity log records, in the order the Activity view offers them. */
export const ACTIVITY_KINDS = [
  'policy-changed',
  'invites-created',
  'invites-revoked',
  'invites-purged',
  'requests-approved',
  'requests-rejected',
  'account-deleted',
  'account-disabled',
  'account-enabled',
] as const;

export function isActivityKind(value: unknown): value is ActivityKind {
  return typeof value === 'string' && (ACTIVITY_KINDS as readonly string[]).includes(value);
}

/** Each kind as a filter choice. */
export const ACTIVITY_KIND_LABELS: Record<ActivityKind, string> = {
  'policy-changed': 'Policy switched',
  'invites-created': 'Invites created',
  'invites-revoked': 'Invites revoked',
  'invites-purged': 'Expired invites removed',
  'requests-approved': 'Requests approved',
  'requests-rejected': 'Requests rejected',
  'account-deleted': 'Account deleted',
  'account-disabled': 'Account disabled',
  'account-enabled': 'Account enabled',
};

const plural = (n: number | undefined, noun: string): string => `${n ?? 0} ${noun}${n === 1 ? '' : 's'}`;

/** What an entry says happened, without who or when: "switched registration to invite-only". */
export function describeActivity(entry: AdminActivity): string {
  const account = entry.accounts[0] ?? 'an account';
  switch (entry.kind) {
    case 'policy-changed':
      return `switched registration to ${entry.policy ?? 'another policy'}${entry.previous ? ` (was ${entry.previous})` : ''}`;
    case 'invites-created':
      return `created ${plural(entry.count, `${entry.inviteKind === 'reset' ? 'password reset' : entry.inviteKind ?? 'account'} invite`)}`;
    case 'invites-revoked':
      return `revoked ${plural(entry.count, 'invite')}`;
    case 'invites-purged':
      return `removed ${plural(entry.count, 'expired invite')}${entry.dropped ? ` and ${plural(entry.dropped, 'old ledger record')}` : ''}`;
    case 'requests-approved':
      return `approved ${entry.accounts.length === 1 ? account : plural(entry.count, 'request')}`;
    case 'requests-rejected': {
      const what = entry.accounts.length === 1 ? account : plural(entry.count, 'request');
      if (entry.outcome === 'expired') return `rejected ${what}, waiting too long`;
      return entry.outcome === 'kept-disabled' ? `rejected ${what}, kept disabled` : `rejected ${what}`;
    }
    case 'account-deleted':
      return `deleted ${account}`;
    case 'account-disabled':
      return `disabled ${account}`;
    case 'account-enabled':
      return `enabled ${account}`;
  }
}
