import { describe, expect, it } from 'vitest';
import { MAX_RETRY_MS, retryDelay } from '../../electron/core/backoff';

describe('reconnect backoff', () => {
  it('retries the first time within a second, never sooner than half of it', () => {
    expect(retryDelay(1, () => 0)).toBe(500);
    expect(retryDelay(1, () => 0.999999)).toBeLessThanOrEqual(1000);
  });

  it('doubles each attempt and never waits more than 30 s', () => {
    const ceilings = [1, 2, 3, 4, 5, 6, 7, 20, 1000].map((n) => retryDelay(n, () => 0.999999));
    expect(ceilings.slice(0, 5)).toEqual([1000, 2000, 4000, 8000, 16000]);
    for (const delay of ceilings) expect(delay).toBeLessThanOrEqual(MAX_RETRY_MS);
    expect(retryDelay(1000, () => 0)).toBe(MAX_RETRY_MS / 2);
  });

  it('spreads clients out with jitter', () => {
    const delays = new Set(Array.from({ length: 50 }, () => retryDelay(4)));
    expect(delays.size).toBeGreaterThan(10);
  });
});
