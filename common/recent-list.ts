/**
 * The latest `limit` items in the order they came, the oldest dropped first.
 * Adding costs the same however many are kept: a dropped item only leaves a
 * hole at the front, and the holes are cut off in one go once there are as
 * many as the limit, so the array never holds more than twice the limit.
 */
export class RecentList<T> {
  readonly limit: number;
  private items: (T | undefined)[] = [];
  /** Where the kept items begin: everything before is a hole left by a dropped one. */
  private start = 0;

  constructor(limit: number) {
    this.limit = limit;
  }

  get length(): number {
    return this.items.length - this.start;
  }

  /** Adds one at the end; returns the item it pushed out when the list was full. */
  push(item: T): T | undefined {
    this.items.push(item);
    if (this.length <= this.limit) return undefined;
    const dropped = this.items[this.start];
    this.items[this.start++] = undefined;
    if (this.start >= this.limit) {
      this.items = this.items.slice(this.start);
      this.start = 0;
    }
    return dropped;
  }

  /** The `index`-th newest: 0 is the one added last. */
  newest(index: number): T | undefined {
    return index >= 0 && index < this.length ? this.items[this.items.length - 1 - index] : undefined;
  }

  /** Every kept item, oldest first. */
  oldestFirst(): T[] {
    return this.items.slice(this.start) as T[];
  }

  /** How many slots the list holds, kept items and holes: bounded by twice the limit. */
  get footprint(): number {
    return this.items.length;
  }
}
