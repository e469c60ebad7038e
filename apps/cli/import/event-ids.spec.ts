import { v5 as uuidv5 } from 'uuid';
import { EVENT_SCHEMA_VERSION } from '../../api/commands/command-executor.js';
import { IMPORT_SCHEMA_VERSION } from './decide-row.js';
import { IMPORT_NAMESPACE, importedEventId, importedIdsOf, importedRowId } from './event-ids.js';

describe('imported event ids', () => {
  it('are UUID v5 of table, key and index in the import namespace, the same on every run', () => {
    const id = importedEventId('consultations', ['c1'], 1);
    expect(id).toBe(uuidv5('["consultations","c1",1]', IMPORT_NAMESPACE));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(importedEventId('consultations', ['c1'], 1)).toBe(id);
    for (const [key, index] of [
      ['l1', 0],
      ['Zoë/Ørsted 🏉', 3],
      ['x'.repeat(300), 12],
      ['u"1\\ \n\u0001', 2],
    ] as const) {
      expect(importedEventId('symptom_log_export', [key], index)).toBe(
        uuidv5(JSON.stringify(['symptom_log_export', key, index]), IMPORT_NAMESPACE),
      );
      expect(importedRowId('sessions', [key, 'k2'])).toBe(
        uuidv5(JSON.stringify(['sessions', key, 'k2']), IMPORT_NAMESPACE),
      );
    }
  });

  it('come the same from importedIdsOf, which renders table and key once', () => {
    for (const [table, key] of [
      ['consultations', ['c1']],
      ['doctor_patient_assignments', ['d1', 'p1']],
      ['symptom_log_export', ['u"1', '2026-01-01T00:00:00Z', 'Zoë/Ørsted 🏉']],
      ['sessions', ['x'.repeat(300)]],
    ] as const) {
      const ids = importedIdsOf(table, key);
      expect(ids.rowId).toBe(importedRowId(table, key));
      for (const index of [0, 1, 12]) expect(ids.eventId(index)).toBe(importedEventId(table, key, index));
    }
  });

  it('differ by table, by key, by index, and from the row id', () => {
    const ids = new Set([
      importedEventId('consultations', ['c1'], 0),
      importedEventId('consultations', ['c1'], 1),
      importedEventId('consultations', ['c2'], 0),
      importedEventId('scans', ['c1'], 0),
      importedEventId('doctor_patient_assignments', ['d1', 'p1'], 0),
      importedEventId('doctor_patient_assignments', ['d1p1'], 0),
      importedRowId('consultations', ['c1']),
    ]);
    expect(ids.size).toBe(7);
  });

  it("carry the command handler's envelope version", () => {
    expect(IMPORT_SCHEMA_VERSION).toBe(EVENT_SCHEMA_VERSION);
  });
});
