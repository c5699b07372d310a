import { describe, expect, it } from 'vitest';
import { signupsPerDay } from '../../renderer/src/lib/growth';

/** A local time, as the ISO string a sign-up carries. */
const at = (y: number, m: number, d: number, h = 12, min = 0): { time: string } => ({ time: new Date(y, m - 1, d, h, min).toISOString() });

describe('sign-ups per day', () => {
  it('counts each sign-up on its local day, the first moment of a day on that day, and leaves out what is outside the window', () => {
    const now = new Date(2026, 11, 5, 15, 0).getTime();
    const days = signupsPerDay(
      [at(2026, 12, 5, 0, 0), at(2026, 12, 5, 23, 59), at(2026, 12, 4, 23, 59), at(2026, 12, 3), at(2026, 12, 3), at(2026, 12, 2, 23, 59), at(2026, 12, 6, 0, 0)],
      3,
      now,
    );
    expect(days).toEqual([
      { day: '2026-12-03', count: 2 },
      { day: '2026-12-04', count: 1 },
      { day: '2026-12-05', count: 2 },
    ]);
  });

  it('keeps every day of 90, including those of a daylight-saving change, and counts thousands', () => {
    const now = new Date(2026, 11, 5, 15, 0).getTime();
    const many = Array.from({ length: 9000 }, (_, i) => at(2026, 12, 5 - (i % 90), 1 + (i % 22)));
    const days = signupsPerDay(many, 90, now);
    expect(days).toHaveLength(90);
    expect(new Set(days.map((d) => d.day)).size).toBe(90);
    expect(days.every((d) => d.count === 100)).toBe(true);
  });
});
