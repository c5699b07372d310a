import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The version in package.json, for hosts that run from the source tree (the
 * browser preview, scripts and tests). The Electron host asks `app.getVersion()`.
 */
export function sourceTreeVersion(): string {
  try {
    const { version } = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { version?: unknown };
    return typeof version === 'string' ? version : 'unknown';
  } catch {
    return 'unknown';
  }
}
