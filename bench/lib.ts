/** Shared measuring helpers: medians and percentiles of repeated runs, printed as ratios. */

export async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

export async function samples(rounds: number, work: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) times.push(await timed(work));
  return times;
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export const median = (values: readonly number[]): number => percentile(values, 50);

export const ms = (value: number): string => (value >= 100 ? `${value.toFixed(0)} ms` : `${value.toFixed(1)} ms`);

/** One result line: what was measured, its ratio to the baseline, and both figures. */
export function ratioLine(what: string, measured: number, baselineName: string, baseline: number): string {
  const ratio = baseline / measured;
  const relation = ratio >= 1 ? `${ratio.toFixed(1)}x faster than` : `${(1 / ratio).toFixed(1)}x the time of`;
  return `  ${what}: ${ms(measured)}, ${relation} ${baselineName} (${ms(baseline)})`;
}

export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
