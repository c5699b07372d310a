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

/**
 * Asks where to save, then writes the page as a PDF there. The page's own
 * `@page` size (A4 or Letter, as chosen in the print kit) decides the paper.
 */
export async function savePdf(contents: PrintableContents, askPath: AskSavePath, folder: string, suggestedName: string): Promise<{ path: string } | null> {
  const choice = await askPath({ defaultPath: join(folder, suggestedName), filters: [{ name: 'PDF', extensions: ['pdf'] }] });
  if (choice.canceled || !choice.filePath) return null;
  const path = /\.pdf$/i.test(choice.filePath) ? choice.filePath : `${choice.filePath}.pdf`;
  const pdf = await contents.printToPDF({ printBackground: true, preferCSSPageSize: true });
  try {
    await writeFile(path, pdf);
  } catch (error) {
    throw new AdminError('invalid-input', `The PDF could not be saved to ${path} (${(error as NodeJS.ErrnoException).code ?? 'write failed'}). Choose another folder.`);
  }
  return { path };
}
