import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AdminError } from '../../common/errors';

/** The parts of a webContents that printing uses, so this is tested in Node. */
export interface PrintableContents {
  print(options: { silent: boolean; printBackground: boolean }, callback: (success: boolean, failureReason: string) => void): void;
  printToPDF(options: { printBackground: boolean; preferCSSPageSize: boolean }): Promise<Uint8Array>;
}

/** Electron's save dialog, reduced to what is asked of it. */
export type AskSavePath = (options: { defaultPath: string; filters: { name: string; extensions: string[] }[] }) => Promise<{ canceled: boolean; filePath?: string }>;

/** Opens the system print dialog for the page; cancelling is not an error. */
export function printContents(contents: PrintableContents): Promise<void> {
  return new Promise((resolve, reject) => {
    contents.print({ silent: false, printBackground: true }, (success, failureReason) => {
      if (success || failureReason === 'cancelled') resolve();
      else reject(new AdminError('server-error', `The cards were not printed (${failureReason || 'the printer refused them'}). Check the printer, or save them as a PDF and print that.`));
    });
  });
}

/** Asks where to save a file of `type`, then writes what `content()` makes there; null when the admin cancels. */
export async function saveFileAs(
  askPath: AskSavePath,
  folder: string,
  suggestedName: string,
  type: { name: string; extension: string },
  content: () => Promise<Uint8Array | string>,
): Promise<{ path: string } | null> {
  const choice = await askPath({ defaultPath: join(folder, suggestedName), filters: [{ name: type.name, extensions: [type.extension] }] });
  if (choice.canceled || !choice.filePath) return null;
  const path = choice.filePath.toLowerCase().endsWith(`.${type.extension}`) ? choice.filePath : `${choice.filePath}.${type.extension}`;
  const data = await content();
  try {
    await writeFile(path, data);
  } catch (error) {
    throw new AdminError('invalid-input', `The ${type.name} file could not be saved to ${path} (${(error as NodeJS.ErrnoException).code ?? 'write failed'}). Choose another folder.`);
  }
  return { path };
}

/**
 * Asks where to save, then writes the page as a PDF there. The page's own
 * `@page` size (A4 or Letter, as chosen in the print kit) decides the paper.
 */
export function savePdf(contents: PrintableContents, askPath: AskSavePath, folder: string, suggestedName: string): Promise<{ path: string } | null> {
  return saveFileAs(askPath, folder, suggestedName, { name: 'PDF', extension: 'pdf' }, () => contents.printToPDF({ printBackground: true, preferCSSPageSize: true }));
}
