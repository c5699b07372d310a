/**
 * The time, updated each half minute while anything reads it: "2 minutes
 * ago" stays true on a screen left open.
 */
class Clock {
  now = $state(Date.now());

  constructor() {
    setInterval(() => (this.now = Date.now()), 30_000);
  }
}

export const clock = new Clock();
