import { describe, expect, it } from '@jest/globals';
import type { CaretrackEventType, EventData } from '../domain/index.js';
import { personalFieldCatalogue, personalFieldsOf } from './personal-fields.js';

type Catalogue = typeof personalFieldCatalogue;
type Personal<T extends CaretrackEventType> = Catalogue[T]['fields'][number];

/**
 * Every other data field of every event, in clear: ids, codes, dates, numbers, doctors' data
 * and the erasure's reason. With the catalogue it must cover each event's data exactly, so a
 * new event type or field fails `npm run typecheck` until someone classifies it.
 */
const clearFields = {
  PatientRegistered: ['patientId', 'ageGroup', 'sportType', 'teamId', 'position', 'jerseyNumber'],
  PatientProfileUpdated: ['patientId', 'ageGroup', 'sportType', 'teamId', 'position', 'jerseyNumber'],
  DoctorAssigned: ['patientId', 'doctorId', 'assignmentType'],
  DoctorAssignmentEnded: ['patientId', 'doctorId'],
  PatientErased: ['patientId', 'reason'],
  DoctorRegistered: ['doctorId', 'name', 'specialization', 'email'],
  ConsultationRecorded: [
    'consultationId',
    'patientId',
    'doctorId',
    'consultationType',
    'consultationDate',
    'status',
    'durationMinutes',
    'fee',
    'nextVisitDate',
  ],
  ConsultationStatusChanged: ['consultationId', 'patientId', 'doctorId', 'status', 'previousStatus'],
  ScanUploaded: ['scanId', 'patientId', 'doctorId', 'modality', 'bodyRegion', 'sha256', 'sizeBytes', 'takenAt'],
  PredictionRecorded: ['scanId', 'predictionId', 'patientId', 'result', 'stage', 'confidence', 'modelVersion'],
  ReportRequested: ['reportId', 'patientId', 'reportType', 'priority'],
  ReportGenerationStarted: ['reportId', 'patientId', 'reportType', 'retryCount'],
  ReportGenerated: ['reportId', 'patientId', 'reportType'],
  ReportGenerationFailed: ['reportId', 'patientId', 'reportType', 'retryCount'],
  SymptomLogged: ['patientId', 'symptomId', 'severity', 'loggedAt', 'reporterType', 'incidentContext', 'logId'],
  SessionStarted: ['sessionId', 'playerId', 'sessionType', 'startTime'],
  SessionCompleted: ['sessionId', 'playerId', 'startTime', 'endTime', 'durationSeconds', 'kpis'],
  SessionFailed: ['sessionId', 'playerId'],
} as const satisfies { [T in CaretrackEventType]: readonly Exclude<keyof EventData<T>, Personal<T>>[] };

// Compile-time checks (npm run typecheck): a failing one names the offending types or fields.
type Uncatalogued = Exclude<CaretrackEventType, keyof Catalogue>;
type NotAnEvent = Exclude<keyof Catalogue, CaretrackEventType>;
type NotAField = { [T in CaretrackEventType]: Exclude<Personal<T>, keyof EventData<T>> }[CaretrackEventType];
type BadSubject = {
  [T in CaretrackEventType]: Exclude<Catalogue[T]['subject'], keyof EventData<T> | null>;
}[CaretrackEventType];
type Unclassified = {
  [T in CaretrackEventType]: Exclude<keyof EventData<T>, Personal<T> | (typeof clearFields)[T][number]>;
}[CaretrackEventType];
const everyEventCatalogued: [Uncatalogued] extends [never] ? true : Uncatalogued = true;
const onlyEvents: [NotAnEvent] extends [never] ? true : NotAnEvent = true;
const personalFieldsExist: [NotAField] extends [never] ? true : NotAField = true;
const subjectsExist: [BadSubject] extends [never] ? true : BadSubject = true;
const everyFieldClassified: [Unclassified] extends [never] ? true : Unclassified = true;

describe('the personal field catalogue', () => {
  it('classifies every event type of the domain, and only those', () => {
    expect([everyEventCatalogued, onlyEvents, personalFieldsExist, subjectsExist, everyFieldClassified]).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(Object.keys(personalFieldCatalogue).sort()).toEqual(Object.keys(clearFields).sort());
  });

  it('holds the personal fields SPEC §9 lists', () => {
    const fieldsOf = (...types: (keyof Catalogue)[]) =>
      [...new Set(types.flatMap((t) => personalFieldCatalogue[t].fields))].sort();
    expect(fieldsOf('PatientRegistered', 'PatientProfileUpdated')).toEqual(['dateOfBirth', 'firstName', 'lastName']);
    expect(
      fieldsOf('ConsultationRecorded', 'ConsultationStatusChanged', 'DoctorAssigned', 'DoctorAssignmentEnded'),
    ).toEqual(['chiefComplaint', 'diagnosis', 'notes', 'prescription', 'reason']);
    expect(fieldsOf('ScanUploaded')).toEqual(['fileUri']);
    expect(fieldsOf('SessionStarted')).toEqual(['description', 'metadata', 'title', 'videoPath']);
  });

  it('adds by the same rule the free text and URIs SPEC §9 does not name', () => {
    expect(personalFieldCatalogue.ReportGenerated.fields).toEqual(['reportUri']);
    expect(personalFieldCatalogue.ReportGenerationFailed.fields).toEqual(['errorMessage']);
    expect(personalFieldCatalogue.SessionFailed.fields).toEqual(['reason']);
  });

  it('names the patient as the subject (playerId in sessions) and doctors as nobody', () => {
    const subjects = Object.fromEntries(
      Object.entries(personalFieldCatalogue).map(([type, spec]) => [type, spec.subject]),
    );
    expect(new Set(Object.values(subjects))).toEqual(new Set(['patientId', 'playerId', null]));
    expect([
      subjects['SessionStarted'],
      subjects['SessionCompleted'],
      subjects['SessionFailed'],
      subjects['DoctorRegistered'],
    ]).toEqual(['playerId', 'playerId', 'playerId', null]);
  });

  it('keeps the erasure event free of personal fields', () => {
    expect(personalFieldCatalogue.PatientErased.fields).toEqual([]);
  });

  it('knows nothing of other types', () => {
    expect(personalFieldsOf('toString')).toBeUndefined();
    expect(personalFieldsOf('PatientNicknamed')).toBeUndefined();
  });
});
