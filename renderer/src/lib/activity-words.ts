import type { AdminActivity } from '../../../common/api';
import { t } from './i18n/index.svelte';

/** What an entry says an admin did, in the app's language, to follow their name: "switched registration to invite-only". */
export function describeActivity(entry: AdminActivity): string {
  const account = entry.accounts[0] ?? t('activity.anAccount');
  const n = entry.count ?? 0;
  // One account decided is named; several are counted.
  const what = entry.accounts.length === 1 ? account : t('activity.requests', { n });
  switch (entry.kind) {
    case 'policy-changed': {
      const policy = entry.policy ? t(`policyName.${entry.policy}`) : t('activity.anotherPolicy');
      return entry.previous ? t('activity.policyChangedFrom', { policy, previous: t(`policyName.${entry.previous}`) }) : t('activity.policyChanged', { policy });
    }
    case 'invites-created':
      return t('activity.invitesCreated', { kind: entry.inviteKind ?? 'account', n });
    case 'invites-revoked':
      return t('activity.invitesRevoked', { n });
    case 'invites-purged':
      return entry.dropped ? t('activity.invitesPurgedDropped', { n, dropped: entry.dropped }) : t('activity.invitesPurged', { n });
    case 'requests-approved':
      return t('activity.requestsApproved', { what });
    case 'requests-rejected':
      if (entry.outcome === 'expired') return t('activity.requestsExpired', { what });
      return t(entry.outcome === 'kept-disabled' ? 'activity.requestsKeptDisabled' : 'activity.requestsRejected', { what });
    case 'account-deleted':
      return t('activity.accountDeleted', { account });
    case 'account-disabled':
      return t('activity.accountDisabled', { account });
    case 'account-enabled':
      return t('activity.accountEnabled', { account });
  }
}
