import { createSubscriber } from 'svelte/reactivity';
import type { Registration } from '../../../common/api';
import { RECENT_SIGNUPS_PER_SERVER } from '../../../common/limits';
import { RecentList } from '../../../common/recent-list';

/** Sign-ups newest first, read the way an array is read, without copying them. A newest-first array is one too. */
export interface SignupView extends Iterable<Registration> {
  readonly length: number;
  slice(start?: number, end?: number): Registration[];
  findIndex(predicate: (registration: Registration) => boolean): number;
}

/**
 * One server's sign-ups in this window: the latest RECENT_SIGNUPS_PER_SERVER,
 * as the backend keeps them, in the order they arrived, which for one server
 * is the order they happened (a catch-up comes oldest first, before anything
 * live). Adding a burst costs the same however many are kept: nothing is
 * sorted or copied, and whatever reads the log on screen reads it again.
 */
export class SignupLog implements SignupView {
  private readonly list = new RecentList<Registration>(RECENT_SIGNUPS_PER_SERVER);
  /** The ids kept, to drop a sign-up that comes twice (with the history a window loads, and live). */
  // Bookkeeping only, never rendered: the log tells its readers itself when it changes.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private readonly ids = new Set<string>();
  private changed: () => void = () => undefined;
  private readonly subscribe = createSubscriber((update) => {
    this.changed = update;
    return () => {
      this.changed = () => undefined;
    };
  });

  /** Adds the sign-ups not kept yet, oldest first, and returns those. */
  add(arrived: readonly Registration[]): Registration[] {
    const added: Registration[] = [];
    for (const registration of arrived) {
      if (this.ids.has(registration.id)) continue;
      this.ids.add(registration.id);
      const dropped = this.list.push(registration);
      if (dropped) this.ids.delete(dropped.id);
      added.push(registration);
    }
    if (added.length > 0) this.changed();
    return added;
  }

  get length(): number {
    this.subscribe();
    return this.list.length;
  }

  slice(start = 0, end = this.length): Registration[] {
    this.subscribe();
    const from = Math.max(0, start);
    const to = Math.min(this.list.length, end);
    const out: Registration[] = [];
    for (let i = from; i < to; i++) out.push(this.list.newest(i) as Registration);
    return out;
  }

  findIndex(predicate: (registration: Registration) => boolean): number {
    let index = 0;
    for (const registration of this) {
      if (predicate(registration)) return index;
      index++;
    }
    return -1;
  }

  *[Symbol.iterator](): Iterator<Registration> {
    this.subscribe();
    for (let i = 0; i < this.list.length; i++) yield this.list.newest(i) as Registration;
  }
}
