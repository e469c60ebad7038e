import type { Columns } from './columns.js';

/** Characters that force a field into quotes (RFC 4180 §2.6). */
const NEEDS_QUOTES = /[",\r\n]/;

/** First characters that make a spreadsheet read a cell as a formula (OWASP "CSV Injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;
/** A plain decimal number: a spreadsheet reads it as a number, never as a formula. */
const PLAIN_NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

/**
 * One CSV field: null is empty, objects are JSON, and a field holding a comma, quote or line
 * break is quoted with its quotes doubled (RFC 4180 §2.7). Text that a spreadsheet would run as a
 * formula (starting with `=`, `+`, `-`, `@`, tab or carriage return, and not a plain number) gets a
 * leading `'`, so Excel, LibreOffice and Google Sheets show it as text (OWASP's advice).
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (typeof value === 'string' && FORMULA_START.test(text) && !PLAIN_NUMBER.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * RFC 4180 CSV of `rows`: a header row of the column names, then one record per row in
 * column order, every line ended by CRLF.
 *
 * @example toCsv({ user_id: 'text', severity: 'integer' }, [{ user_id: 'p1', severity: 3 }]) // 'user_id,severity\r\np1,3\r\n'
 */
export function toCsv<R extends object>(columns: Columns, rows: readonly R[]): string {
  const names = Object.keys(columns);
  const line = (fields: readonly string[]) => `${fields.join(',')}\r\n`;
  const header = line(names.map(csvField));
  const record = (row: R) => line(names.map((name) => csvField((row as Record<string, unknown>)[name])));
  return header + rows.map(record).join('');
}
