import { hash } from 'node:crypto';

/** The UUID v5 namespace of imported events (fixed forever: changing it re-imports everything). */
export const IMPORT_NAMESPACE = '0b6f3a52-6e0e-4a39-9a1c-3f7d2c1e5a80';

const namespace = Buffer.from(IMPORT_NAMESPACE.replaceAll('-', ''), 'hex');
/** The namespace followed by room for a name: filled and hashed in place, nothing allocated per id. */
let scratch = Buffer.alloc(1024);
namespace.copy(scratch);

/**
 * UUID v5 (RFC 9562 §5.5) of `name` in the import namespace: SHA-1 of namespace and name, version
 * and variant bits set. One-shot `crypto.hash` instead of the `uuid` package: an import computes
 * two or three per row, and `uuid`'s per-call hash object and its byte-wise formatting cost ~4×
 * more (a tenth of a dry run's time). `event-ids.spec.ts` checks it equals `uuid`'s v5.
 */
function v5(name: string): string {
  if (16 + 3 * name.length > scratch.length) {
    // at most 3 UTF-8 bytes per UTF-16 unit: a name that could not fit gets a larger scratch
    scratch = Buffer.alloc(16 + 3 * name.length);
    namespace.copy(scratch);
  }
  const length = 16 + scratch.write(name, 16, 'utf8');
  const h = hash('sha1', scratch.subarray(0, length), 'hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The id of the `index`-th event imported from one legacy row: UUID v5 of the seed table,
 * the row's key values and the index. The same row gives the same ids on every run, so a
 * second run finds them in the log and appends nothing.
 *
 * @example importedEventId('consultations', ['c1'], 1) // the ConsultationStatusChanged of c1
 */
export function importedEventId(table: string, key: readonly string[], index: number): string {
  return importedIdsOf(table, key).eventId(index);
}

/** The id the import gives the row itself (`causationId` of its events, `logId` when a log has none). */
export function importedRowId(table: string, key: readonly string[]): string {
  return importedIdsOf(table, key).rowId;
}

/**
 * A row's id (UUID v5 of `[table, ...key]` as JSON) and its events' ids (of
 * `[table, ...key, index]`), from one rendering of table and key: the import asks for two or
 * three per row. The one place the names are made (`importedRowId`, `importedEventId` use it).
 *
 * @example const ids = importedIdsOf('consultations', ['c1']); ids.eventId(1) === importedEventId('consultations', ['c1'], 1)
 */
export function importedIdsOf(
  table: string,
  key: readonly string[],
): { rowId: string; eventId: (index: number) => string } {
  const name = JSON.stringify([table, ...key]);
  const head = name.slice(0, -1); // without the closing bracket: `["table","k1"`
  return { rowId: v5(name), eventId: (index) => v5(`${head},${index}]`) };
}
