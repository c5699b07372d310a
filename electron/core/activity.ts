/** What the backend can be in the middle of that a restart must not cut short. */
export type Activity = 'sign-in' | 'batch';

/**
 * Counts the sign-ins and invite batches under way, so that an update waits
 * for them to end before it restarts the app.
 */
export class ActivityTracker {
  private readonly running = new Map<Activity, number>();
  private readonly idleListeners = new Set<() => void>();

  /** Runs `work`, counting it as `activity` until it settles either way. */
  async track<T>(activity: Activity, work: () => Promise<T>): Promise<T> {
    this.running.set(activity, (this.running.get(activity) ?? 0) + 1);
    try {
      return await work();
    } finally {
      this.end(activity);
    }
  }

  /** What is under way, a batch before a sign-in, or null when nothing is. */
  current(): Activity | null {
    if (this.running.has('batch')) return 'batch';
    return this.running.has('sign-in') ? 'sign-in' : null;
  }

  /** Calls `listener` each time the last activity under way ends. */
  onIdle(listener: () => void): () => void {
    this.idleListeners.add(listener);
    return () => this.idleListeners.delete(listener);
  }

  private end(activity: Activity): void {
    const left = (this.running.get(activity) ?? 1) - 1;
    if (left > 0) this.running.set(activity, left);
    else this.running.delete(activity);
    if (this.running.size === 0) for (const listener of this.idleListeners) listener();
  }
}
