import type { PatientFacts, RowState } from './legacy-facts.js';
import { compareStatistics } from './statistics.js';

const inLog: RowState = { state: 'in_log' };
const day = (d: number) => Date.UTC(2025, 2, d);
const at = (d: number) => new Date(day(d)).toISOString();

/** p1: two completed consultations and a cancelled one with d1, a scan, a generated report. */
function facts(): PatientFacts {
  return {
    patient: inLog,
    consultations: [
      { id: 'c1', doctorId: 'd1', date: day(1), status: 'completed', row: inLog },
      { id: 'c2', doctorId: 'd1', date: day(5), status: 'completed', row: inLog },
      { id: 'c3', doctorId: 'd1', date: day(9), status: 'cancelled', row: inLog },
    ],
    reports: [{ id: 'r1', status: 'generated', completedAt: day(6), generatedAt: day(6), row: inLog }],
    scans: [{ id: 's1', doctorId: null, at: day(2), row: inLog }],
    predictions: [],
    assignments: [],
  };
}

/** What seed 001's triggers leave in the legacy row for `facts()`. */
const legacyRow = {
  patient_id: 'p1',
  total_consultations: 3,
  last_visit_date: at(9),
  total_reports: 1,
  last_report_date: at(6),
  total_scans: 0,
  total_predictions: 0,
  unique_doctors: 0,
};
/** What the projection makes of the same rows. */
const projectedRow = {
  patient_id: 'p1',
  total_consultations: 2,
  last_visit_date: at(5),
  first_visit_date: at(1),
  total_reports: 1,
  last_report_date: at(6),
  total_scans: 1,
  total_predictions: 0,
  unique_doctors: 1,
  last_scan_date: at(2),
  parkinsons_status: null,
  parkinsons_stage: null,
};

describe('reconcile of patient_statistics', () => {
  it('explains the trigger counting every status, and the columns no trigger keeps', () => {
    const differences = compareStatistics('p1', legacyRow, projectedRow, facts());
    expect(differences.map((d) => [d.column, d.category])).toEqual([
      ['total_consultations', 'counts_every_status'],
      ['last_visit_date', 'counts_every_status'],
      ['first_visit_date', 'not_kept_by_triggers'],
      ['total_scans', 'not_kept_by_triggers'],
      ['unique_doctors', 'not_kept_by_triggers'],
      ['last_scan_date', 'not_kept_by_triggers'],
    ]);
    expect(differences[0]).toMatchObject({ legacy: 3, projection: 2 });
  });

  it('a legacy value its own rows do not give is unexplained (edited by hand)', () => {
    const [d] = compareStatistics('p1', { ...legacyRow, total_reports: 4 }, projectedRow, facts()).filter(
      (x) => x.column === 'total_reports',
    );
    expect(d).toMatchObject({
      legacy: 4,
      projection: 1,
      category: 'legacy_differs_from_its_rows',
      note: 'the legacy rows give 1',
    });
  });

  it('a projection value the imported rows do not give is unexplained', () => {
    const [d] = compareStatistics('p1', legacyRow, { ...projectedRow, total_scans: 5 }, facts()).filter(
      (x) => x.column === 'total_scans',
    );
    expect(d).toMatchObject({ category: 'projection_differs_from_import', note: 'the imported rows give 1' });
  });

  it('rows the import rejected explain the gap; rows not imported yet do not', () => {
    const rejected = facts();
    rejected.consultations[1]!.row = { state: 'rejected', reason: 'doctor d9 not found' };
    rejected.consultations.splice(2, 1);
    const legacy = { ...legacyRow, total_consultations: 2, last_visit_date: at(5) };
    const projected = { ...projectedRow, total_consultations: 1, last_visit_date: at(1) };
    expect(
      compareStatistics('p1', legacy, projected, rejected).find((d) => d.column === 'total_consultations'),
    ).toMatchObject({ category: 'rejected_on_import' });
    const pending = facts();
    pending.reports[0]!.row = { state: 'pending' };
    const notYet = compareStatistics(
      'p1',
      legacyRow,
      { ...projectedRow, total_reports: 0, last_report_date: null },
      pending,
    ).find((d) => d.column === 'total_reports');
    expect(notYet).toMatchObject({ legacy: 1, projection: 0, category: 'not_imported_yet' });
  });

  it('no legacy row: explained when the triggers would have made none, unexplained when they would', () => {
    const quiet: PatientFacts = { ...facts(), consultations: [], reports: [] };
    const zeros = {
      ...projectedRow,
      total_consultations: 0,
      last_visit_date: null,
      first_visit_date: null,
      total_reports: 0,
      last_report_date: null,
      unique_doctors: 0,
    };
    expect(compareStatistics('p1', undefined, zeros, quiet)).toEqual([
      expect.objectContaining({ column: '(row)', category: 'no_legacy_row' }),
    ]);
    expect(compareStatistics('p1', undefined, projectedRow, facts())[0]).toMatchObject({
      column: '(row)',
      category: 'legacy_row_missing',
    });
  });

  it('a patient the import rejected has no projection row: explained', () => {
    expect(
      compareStatistics('p1', legacyRow, undefined, {
        ...facts(),
        patient: { state: 'rejected', reason: 'first_name: too small' },
      }),
    ).toEqual([
      expect.objectContaining({
        column: '(row)',
        category: 'rejected_on_import',
        note: 'patient rejected: first_name: too small',
      }),
    ]);
  });
});
