import type { Onboarding, OnboardingFailure } from '../../../common/api';
import { roomLabel } from '../../../common/onboarding';
import { t } from './i18n/index.svelte';

function failureWords({ part, jid, reason }: OnboardingFailure): string {
  if (part === 'room' || part === 'member') {
    const room = roomLabel(jid);
    if (reason === 'gone') return t('onboarded.roomGone', { room });
    if (part === 'member') return t('onboarded.notMember', { room });
    return t(reason === 'no-pep' ? 'onboarded.noPep' : 'onboarded.notBookmarked', { room });
  }
  if (part === 'contact') return t(reason === 'gone' ? 'onboarded.contactGone' : 'onboarded.contactNotAdded', { jid });
  if (part === 'welcome') return t(reason === 'no-offline' ? 'onboarded.noOffline' : 'onboarded.welcomeNotSent');
  return t('onboarded.failed');
}

/** What a new member got, in the app's language: "joined #general, #chess · 2 contacts · welcomed", and each part that failed. */
export function onboardingOutcome(outcome: Onboarding): { got: string; failed: string[] } {
  const got: string[] = [];
  if (outcome.rooms.length > 0) got.push(t('onboarded.joined', { rooms: outcome.rooms.map(roomLabel).join(', ') }));
  if (outcome.contacts.length > 0) got.push(t('onboarded.contacts', { n: outcome.contacts.length }));
  if (outcome.welcomedBy !== undefined) got.push(t('onboarded.welcomed'));
  return { got: got.join(' · '), failed: outcome.failed.map(failureWords) };
}
