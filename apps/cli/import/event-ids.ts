import { hash } from 'node:crypto';

/** The UUID v5 namespace of imported events (fixed forever: changing it re-imports everything). */
export const IMPORT_NAMESPACE = '0b6f3a52-6e0e-4a39-9a1c-3f7d2c1e5a80';

const namespace = Buffer.from(IMPORT_NAMESPACE.replaceAll('-', ''), 'hex');
/** The namespace followed by room for a name: filled and hashed in place, nothing allocated per id. */
let scratch = Buffer.alloc(1024);
namespace.copy(scratch);

/**
 * The first `length` bytes of the scratch buffer. One view per length, made once: names have a
 * few dozen lengths, and a `subarray` per id was 200,000 buffer objects per 100,000 rows.
 */
let views: Buffer[] = [];
function view(length: number): Buffer {
  return (views[length] ??= scratch.subarray(0, length));
}

/**
 * UUID v5 (RFC 9562 §5.5) of `name` in the import namespace: SHA-1 of namespace and name, version
 * and variant bits set. One-shot `crypto.hash` instead of the `uuid` package: an import computes
 * two or three per row, and `uuid`'s per-call hash object and its byte-wise formatting cost ~4×
 * more (a tenth of a dry run's time). `event-ids.spec.ts` checks it equals `uuid`'s v5.
 */
const VARIANT = '89ab';

function v5(name: string): string {
  if (16 + 3 * name.length > scratch.length) {
    // at most 3 UTF-8 bytes per UTF-16 unit: a name that could not fit gets a larger scratch
    scratch = Buffer.alloc(16 + 3 * name.length);
    namespace.copy(scratch);
    views = [];
  }
  const length = 16 + scratch.write(name, 16, 'utf8');
  const h = hash('sha1', view(length), 'hex');
  // the variant bits (10xx) over the 17th hex digit's low two bits
  const digit = h.charCodeAt(16);
  const variant = VARIANT[(digit <= 57 ? digit - 48 : digit - 87) & 0x3];
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

/** Each seed table's name as the start of a JSON array: `["consultations"`. */
const tableJson = new Map<string, string>();

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
  // `JSON.stringify([table, ...key])` without its closing bracket, written without the arrays
  let head = tableJson.get(table);
  if (head === undefined) tableJson.set(table, (head = `[${JSON.stringify(table)}`));
  for (let i = 0; i < key.length; i++) head += `,${JSON.stringify(key[i])}`;
  const prefix = head;
  return { rowId: v5(`${prefix}]`), eventId: (index) => v5(`${prefix},${index}]`) };
}
