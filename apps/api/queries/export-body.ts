import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Columns } from './columns.js';
import { CSV_CONTENT_TYPE, prefersCsv } from './content-negotiation.js';
import { toCsv } from './csv.js';
import type { Items } from './page.js';

/** An export's body: `{ items }` as JSON, or the CSV text. */
export type ExportBody<R> = Items<R> | string;

/**
 * The body of an export in the format the request's `Accept` asks for: CSV (header row,
 * RFC 4180, `text/csv; charset=utf-8`, as an attachment named after the table) or JSON
 * `{ items }`. Either way the response varies by `Accept`.
 */
export function exportBody<R extends object>(
  request: FastifyRequest,
  reply: FastifyReply,
  table: string,
  columns: Columns,
  rows: R[],
): ExportBody<R> {
  void reply.header('vary', 'Accept');
  if (!prefersCsv(request.headers.accept)) return { items: rows };
  void reply
    .header('content-type', CSV_CONTENT_TYPE)
    .header('content-disposition', `attachment; filename="${table}.csv"`);
  return toCsv(columns, rows);
}
