import { keyString } from '../../libs/projection-engine/io.js';
import { defineProjection } from '../../libs/projection-engine/projection.js';
import { statisticsEventTypes, toStatisticsSource, type StatisticsEvent } from './statistics-events.js';
import {
  doctorPair,
  emptyStatistics,
  foldConsultation,
  foldCounters,
  foldVisit,
  visitsOf,
  type ConsultationRow,
  type StatisticsRow,
} from './statistics-fold.js';
import {
  patientStatisticsTable,
  statisticsConsultationsTable,
  statisticsDoctorsTable,
} from './patient-statistics.tables.js';

/**
 * `patient_statistics` (SPEC §4), folded incrementally: per batch it loads the touched
 * patients' rows, the consultations whose status the batch changes and the (patient, doctor)
 * pairs it names (cached by the engine across batches), folds every event into its patient's
 * row in log order — counters, dates, prediction, and the visit columns from each
 * consultation's change of status; a new pair adds a unique doctor — and writes the three
 * tables. Only a completed visit taken back (never done by the domain) re-reads that
 * patient's consultations.
 */
export const patientStatisticsProjection = defineProjection<StatisticsEvent>({
  name: 'patient_statistics',
  version: 2,
  eventTypes: statisticsEventTypes,
  tables: [patientStatisticsTable, statisticsConsultationsTable, statisticsDoctorsTable],
  async apply(events, io) {
    const sources = events.map(toStatisticsSource);
    const consultationIds = sources.flatMap(({ event }) =>
      event.type === 'ConsultationRecorded' || event.type === 'ConsultationStatusChanged'
        ? [event.data.consultationId]
        : [],
    );
    const pairKeys = sources.flatMap((s) => {
      const pair = doctorPair(s);
      return pair ? [[pair.patient_id, pair.doctor_id]] : [];
    });
    const [storedConsultations, storedPairs, storedRows] = await Promise.all([
      io.load(statisticsConsultationsTable, consultationIds),
      io.load(statisticsDoctorsTable, pairKeys),
      io.load(
        patientStatisticsTable,
        sources.map((s) => s.patientId),
      ),
    ]);

    const consultations = new Map<string, ConsultationRow>();
    const newPairs = new Map<string, { patient_id: string; doctor_id: string }>();
    const rows = new Map<string, StatisticsRow>();
    const recount = new Set<string>();
    for (const source of sources) {
      const before =
        rows.get(source.patientId) ?? storedRows.get(source.patientId) ?? emptyStatistics(source.patientId);
      let row: StatisticsRow = foldCounters(before, source);
      const { event } = source;
      if (event.type === 'ConsultationRecorded' || event.type === 'ConsultationStatusChanged') {
        const id = event.data.consultationId;
        const previous = consultations.get(id) ?? storedConsultations.get(id);
        const next = foldConsultation(previous, source);
        if (next) {
          consultations.set(id, next);
          const visits = foldVisit(row, previous, next);
          if (visits) row = { ...row, ...visits };
          else recount.add(next.patient_id);
        }
      }
      const pair = doctorPair(source);
      if (pair) {
        const key = keyString([pair.patient_id, pair.doctor_id]);
        if (!storedPairs.has(key) && !newPairs.has(key)) {
          newPairs.set(key, pair);
          row = { ...row, unique_doctors: row.unique_doctors + 1 };
        }
      }
      rows.set(source.patientId, row);
    }

    if (recount.size > 0) {
      const all = await io.loadWhere(statisticsConsultationsTable, 'patient_id', recount);
      const merged = new Map(all.map((c) => [c.consultation_id, c]));
      for (const c of consultations.values()) if (recount.has(c.patient_id)) merged.set(c.consultation_id, c);
      for (const patient of recount) {
        const row = rows.get(patient);
        if (row)
          rows.set(patient, { ...row, ...visitsOf([...merged.values()].filter((c) => c.patient_id === patient)) });
      }
    }

    io.put(statisticsConsultationsTable, consultations.values());
    io.put(statisticsDoctorsTable, newPairs.values());
    io.put(patientStatisticsTable, rows.values());
  },
});
