/**
 * One CSV cell (RFC 4180): quoted when it holds a quote, comma or line break. A text that a
 * spreadsheet would take for a formula (it starts with =, +, -, @, a tab or a carriage return) is
 * written with a leading apostrophe, which spreadsheets show as text: exported rows carry what
 * producers and customers typed (a name, an offer id), and a cell such as =HYPERLINK(…) would
 * otherwise run when an analyst opens the file (CSV injection, OWASP). Numbers are written as
 * they are, negative ones included; objects as their JSON.
 */
export const csvCell = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  let text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** A CSV line of cells, ending in a newline. */
export const csvLine = (cells: readonly unknown[]): string => `${cells.map(csvCell).join(',')}\n`;
