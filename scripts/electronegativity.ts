/**
 * Runs Electronegativity over the built app (main, preload and the page) and
 * fails on any finding of medium or high severity that is not listed, with
 * the reason, in build/electronegativity-reviewed.json.
 */
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';

const root = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);

const reviewedSchema = z.object({ reviewed: z.array(z.object({ check: z.string(), file: z.string(), why: z.string().min(20) })) });
const resultSchema = z.object({
  errors: z.array(z.unknown()),
  issues: z.array(
    z.object({
      id: z.string(),
      file: z.string(),
      location: z.object({ line: z.number(), column: z.number() }),
      severity: z.object({ name: z.string() }),
      confidence: z.object({ name: z.string() }),
      description: z.string(),
    }),
  ),
});

/** Electronegativity's programmatic entry (its CLI writes a CSV that breaks on multi-line samples). */
type Run = (options: { input: string; electronVersionOverride: string; isRelative: boolean }) => Promise<unknown>;
const run = require('@doyensec/electronegativity/dist/runner.js') as Run;

// It cannot look the Electron version up offline, so it is told the one we install.
const { version: electronVersion } = JSON.parse(await readFile(resolve(root, 'node_modules/electron/package.json'), 'utf8')) as { version: string };
/**
 * What is scanned: main, preload and the page's HTML (for its CSP). The page's
 * script bundle is left out: it is plain browser code that never reaches
 * Electron or Node, and the scanner's parser predates the class syntax in it.
 */
const scanDir = await mkdtemp(join(tmpdir(), 'invite-desk-electronegativity-'));
let result: z.infer<typeof resultSchema>;
try {
  for (const part of ['main', 'preload', 'renderer/index.html']) await cp(resolve(root, 'out', part), join(scanDir, part), { recursive: true });
  result = resultSchema.parse(await run({ input: scanDir, electronVersionOverride: electronVersion, isRelative: true }));
} finally {
  await rm(scanDir, { recursive: true, force: true });
}
const { issues, errors } = result;
const { reviewed } = reviewedSchema.parse(JSON.parse(await readFile(resolve(root, 'build/electronegativity-reviewed.json'), 'utf8')));

let unexplained = 0;
for (const issue of issues) {
  const serious = issue.severity.name === 'HIGH' || issue.severity.name === 'MEDIUM';
  const review = reviewed.find((r) => r.check === issue.id && r.file === issue.file);
  if (serious && !review) unexplained++;
  const verdict = !serious ? 'low' : review ? 'reviewed' : 'UNEXPLAINED';
  console.log(`${verdict.padEnd(11)} ${issue.severity.name.padEnd(6)} ${issue.id} at ${issue.file}:${issue.location.line}: ${issue.description}`);
  if (review) console.log(`${''.padEnd(18)} ${review.why}`);
}
if (errors.length > 0) console.log(`${errors.length} files could not be parsed:`, errors);
console.log(`Electronegativity, Electron ${electronVersion}: ${issues.length} findings, ${unexplained} of medium or high severity unexplained.`);
process.exit(unexplained === 0 && errors.length === 0 ? 0 : 1);
