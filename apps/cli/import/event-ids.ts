import { v5 as uuidv5 } from 'uuid';

/** The UUID v5 namespace of imported events (fixed forever: changing it re-imports everything). */
export const IMPORT_NAMESPACE = '0b6f3a52-6e0e-4a39-9a1c-3f7d2c1e5a80';

/**
 * The id of the `index`-th event imported from one legacy row: UUID v5 of the seed table,
 * the row's key values and the index. The same row gives the same ids on every run, so a
 * second run finds them in the log and appends nothing (`uuid`, RFC 9562 §5.5).
 *
 * @example importedEventId('consultations', ['c1'], 1) // the ConsultationStatusChanged of c1
 */
export function importedEventId(table: string, key: readonly string[], index: number): string {
  return uuidv5(JSON.stringify([table, ...key, index]), IMPORT_NAMESPACE);
}

/** The id the import gives the row itself (`causationId` of its events, `logId` when a log has none). */
export function importedRowId(table: string, key: readonly string[]): string {
  return uuidv5(JSON.stringify([table, ...key]), IMPORT_NAMESPACE);
}
