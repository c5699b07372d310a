/**
 * CSV (RFC 4180) for spreadsheets: a header row, CRLF line ends, and cells a
 * spreadsheet never runs. A cell that starts with = + - @ (or a tab or
 * carriage return, which some spreadsheets skip before reading one of those)
 * would be taken for a formula, which can run commands or send data away
 * (CSV injection): it is prefixed with an apostrophe, which shows the text
 * as it is.
 */

const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell, neutralised and quoted where it needs to be. */
export function csvCell(value: string | number | undefined): string {
  if (value === undefined) return '';
  let text = typeof value === 'number' ? String(value) : value;
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A whole file: `header`, then each row, with `columns` picking each row's cells in order. */
export function toCsv<T>(columns: readonly (readonly [string, (row: T) => string | number | undefined])[], rows: Iterable<T>): string {
  const lines = [columns.map(([title]) => csvCell(title)).join(',')];
  for (const row of rows) lines.push(columns.map(([, cell]) => csvCell(cell(row))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
