import { closeSync, fsyncSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFile as atomicWriteFile, writeFileSync as atomicWriteFileSync } from 'atomically';

/**
 * Writes that survive a crash and a power cut: the content goes to a
 * temporary file, which is fsynced and renamed over the old one (the
 * atomically package, which conf also writes settings with), and then the
 * folder is fsynced, which makes the rename itself durable. Without the
 * last step a power cut can leave the old file, or no file, after the app
 * was told the write was done.
 */

/** Makes the entries of `folder` (a rename into it) durable. */
export function syncFolder(folder: string): void {
  // Windows cannot open a folder to flush it, and its renames need no such step.
  if (process.platform === 'win32') return;
  const fd = openSync(folder, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export function writeDurablySync(path: string, data: string, mode: number): void {
  atomicWriteFileSync(path, data, { mode, fsync: true });
  syncFolder(dirname(path));
}

export async function writeDurably(path: string, data: string, mode: number): Promise<void> {
  await atomicWriteFile(path, data, { mode, fsync: true });
  syncFolder(dirname(path));
}
