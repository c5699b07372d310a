import type { AdminApi, OnboardingDefaults, OnboardingSet, Room, ServerInfo } from '../../../common/api';

/** What the onboarding controls need of a server: its rooms, its defaults, and who may send a welcome. */
export interface OnboardingSource {
  domain: string;
  /** The admin's own bare JID: a welcome may come from it. */
  account: string;
  /** The listed rooms, and those of `include` that exist although hidden. */
  rooms(include: string[]): Promise<Room[]>;
  defaults(): Promise<OnboardingDefaults>;
}

export function onboardingSource(api: AdminApi, info: ServerInfo): OnboardingSource {
  return {
    domain: info.domain,
    account: info.account.split('/')[0] ?? info.account,
    rooms: (include) => api.listRooms({ serverId: info.serverId, include }),
    defaults: () => api.getOnboardingDefaults(info.serverId),
  };
}

/** A set of its own, as a copy: editing it leaves the one it came from alone. */
export function copySet(set: OnboardingSet): OnboardingSet {
  const copy: OnboardingSet = { rooms: [...set.rooms], contacts: [...set.contacts], welcome: set.welcome };
  if (set.welcomeFrom !== undefined) copy.welcomeFrom = set.welcomeFrom;
  return copy;
}

/** The rooms of `chosen` that `rooms` (a fresh listing that included them) no longer has. */
export function goneRooms(chosen: readonly string[], rooms: readonly Room[]): string[] {
  return chosen.filter((jid) => !rooms.some((room) => room.jid === jid));
}

/** What a form asks its onboarding choice before it saves. */
export interface OnboardingControl {
  /** The set to save with the invites: undefined for the server's defaults; null when a chosen room is gone, which the choice then shows. */
  request(): Promise<OnboardingSet | undefined | null>;
  /** The rooms the new members join, whichever set they get. */
  joins(): string[];
}
