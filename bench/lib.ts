import type { StorageBackend } from '../test/helpers/storage';

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

/**
 * One row of the README's performance table: what was measured, its result,
 * the baseline measured in the same run, and how many rounds the medians are of.
 */
export interface Figure {
  what: string;
  result: string;
  baseline: string;
  rounds: string;
}

/** What a section prints: figures for the table, and plain lines of detail under them. */
export type BenchLine = Figure | string;

/** A figure whose result is a time, next to a timed baseline, with their ratio. */
export function ratioFigure(what: string, rounds: string, measured: number, baselineName: string, baseline: number): Figure {
  const ratio = baseline / measured;
  const relation = ratio >= 1 ? `${ratio.toFixed(1)}x faster` : `${(1 / ratio).toFixed(1)}x the time`;
  return { what, rounds, result: `${ms(measured)} (${relation})`, baseline: `${baselineName}: ${ms(baseline)}` };
}

export const printLine = (line: BenchLine): string => (typeof line === 'string' ? line : `  ${line.what} (${line.rounds}): ${line.result}; baseline: ${line.baseline}`);

const cell = (text: string): string => text.replace(/\|/g, '\\|');

/** The figures as the Markdown table the README shows, one row each, in the order measured. */
export function markdownTable(figures: readonly { prosody: string; figure: Figure }[]): string[] {
  return [
    '| Prosody | what | result | baseline in the same run | medians of |',
    '|---|---|---|---|---|',
    ...figures.map(({ prosody, figure: f }) => `| ${[prosody, f.what, f.result, f.baseline, f.rounds].map(cell).join(' | ')} |`),
  ];
}

export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

/** What a figure's label adds for the storage it was measured on: nothing for Prosody's default, file storage. */
export const STORAGE_NAMES: Record<StorageBackend, string> = { internal: '', sqlite: ' (SQLite)', postgres: ' (PostgreSQL)' };

/** "1 round", "5 rounds": what a figure is the median of. */
export const rounds = (n: number): string => `${n} round${n === 1 ? '' : 's'}`;
