import { parse as parseUuid, v5 as uuidv5 } from 'uuid';

/** The UUID v5 namespace of imported events (fixed forever: changing it re-imports everything). */
export const IMPORT_NAMESPACE = '0b6f3a52-6e0e-4a39-9a1c-3f7d2c1e5a80';

// Parsed once: given as text, `uuid` parses and validates the namespace on every call, and its
// hand-rolled UTF-8 encoding of the name costs more than Buffer's (a third of a dry run's time).
const namespace = parseUuid(IMPORT_NAMESPACE);
const v5 = (name: string) => uuidv5(Buffer.from(name, 'utf8'), namespace);

/**
 * The id of the `index`-th event imported from one legacy row: UUID v5 of the seed table,
 * the row's key values and the index. The same row gives the same ids on every run, so a
 * second run finds them in the log and appends nothing (`uuid`, RFC 9562 §5.5).
 *
 * @example importedEventId('consultations', ['c1'], 1) // the ConsultationStatusChanged of c1
 */
export function importedEventId(table: string, key: readonly string[], index: number): string {
  return v5(JSON.stringify([table, ...key, index]));
}

/** The id the import gives the row itself (`causationId` of its events, `logId` when a log has none). */
export function importedRowId(table: string, key: readonly string[]): string {
  return v5(JSON.stringify([table, ...key]));
}
