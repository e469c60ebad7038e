import { defineCommand as define, type FactRequirement } from './command-definition.js';
import * as patient from './patient/patient.commands.js';
import * as doctor from './doctor/doctor.commands.js';
import * as consultation from './consultation/consultation.commands.js';
import * as scan from './scan/scan.commands.js';
import * as report from './report/report.commands.js';
import * as tracker from './tracker/tracker.commands.js';
import * as session from './session/session.commands.js';
import { patientDecider } from './patient/patient.decider.js';
import { doctorDecider } from './doctor/doctor.decider.js';
import { consultationDecider } from './consultation/consultation.decider.js';
import { scanDecider } from './scan/scan.decider.js';
import { reportDecider } from './report/report.decider.js';
import { trackerDecider } from './tracker/tracker.decider.js';
import { sessionDecider } from './session/session.decider.js';
import { isPatientEvent, patientOccurredAt } from './patient/patient.events.js';
import { doctorOccurredAt, isDoctorEvent } from './doctor/doctor.events.js';
import { consultationOccurredAt, isConsultationEvent } from './consultation/consultation.events.js';
import { isScanEvent, scanOccurredAt } from './scan/scan.events.js';
import { isReportEvent, reportOccurredAt } from './report/report.events.js';
import { isTrackerEvent, trackerOccurredAt } from './tracker/tracker.events.js';
import { isSessionEvent, sessionOccurredAt } from './session/session.events.js';

export {
  decideCommand,
  validateCommand,
  type CommandContext,
  type CommandDefinition,
  type CommandEffect,
  type CommandRole,
  type DecidedEvent,
  type FactName,
  type FoldedState,
  type FactRequirement,
  type PreparedCommand,
} from './command-definition.js';

const patientOf = (command: { patientId: string }): FactRequirement[] => [
  { fact: 'patientRegistered', streamId: `patient-${command.patientId}` },
];
const doctorOf = (command: { doctorId: string }): FactRequirement[] => [
  { fact: 'doctorRegistered', streamId: `doctor-${command.doctorId}` },
];
const patientAggregate = { decider: patientDecider, isEvent: isPatientEvent, occurredAt: patientOccurredAt };
const consultationAggregate = {
  decider: consultationDecider,
  isEvent: isConsultationEvent,
  occurredAt: consultationOccurredAt,
};
const scanAggregate = { decider: scanDecider, isEvent: isScanEvent, occurredAt: scanOccurredAt };
const reportAggregate = { decider: reportDecider, isEvent: isReportEvent, occurredAt: reportOccurredAt };
const sessionAggregate = { decider: sessionDecider, isEvent: isSessionEvent, occurredAt: sessionOccurredAt };
const toPatient = (command: { patientId: string }) => `patient-${command.patientId}`;
const toConsultation = (command: { consultationId: string }) => `consultation-${command.consultationId}`;
const toScan = (command: { scanId: string }) => `scan-${command.scanId}`;
const toReport = (command: { reportId: string }) => `report-${command.reportId}`;
const toSession = (command: { sessionId: string }) => `session-${command.sessionId}`;

/**
 * The 17 commands of SPEC §2 and ErasePatient of SPEC §9, keyed by name: the one thing the HTTP layer uses.
 *
 * @example
 * const prepared = commandRegistry[name].prepare(body);      // 400 on a bad body
 * const facts = await readFacts(prepared.requires);          // { patientRegistered: true }
 * const events = prepared.decide(pastEvents, { now, generatedId, ...facts, isKnownSymptom });
 */
export const commandRegistry = {
  RegisterPatient: define({
    name: 'RegisterPatient',
    schema: patient.RegisterPatientSchema,
    streamId: toPatient,
    ...patientAggregate,
  }),
  UpdatePatientProfile: define({
    name: 'UpdatePatientProfile',
    schema: patient.UpdatePatientProfileSchema,
    streamId: toPatient,
    ...patientAggregate,
  }),
  RegisterDoctor: define({
    name: 'RegisterDoctor',
    schema: doctor.RegisterDoctorSchema,
    streamId: (command) => `doctor-${command.doctorId}`,
    decider: doctorDecider,
    isEvent: isDoctorEvent,
    occurredAt: doctorOccurredAt,
  }),
  AssignDoctor: define({
    name: 'AssignDoctor',
    schema: patient.AssignDoctorSchema,
    streamId: toPatient,
    requires: doctorOf,
    ...patientAggregate,
  }),
  EndDoctorAssignment: define({
    name: 'EndDoctorAssignment',
    schema: patient.EndDoctorAssignmentSchema,
    streamId: toPatient,
    ...patientAggregate,
  }),
  RecordConsultation: define({
    name: 'RecordConsultation',
    schema: consultation.RecordConsultationSchema,
    streamId: toConsultation,
    requires: (command) => [...patientOf(command), ...doctorOf(command)],
    ...consultationAggregate,
  }),
  ChangeConsultationStatus: define({
    name: 'ChangeConsultationStatus',
    schema: consultation.ChangeConsultationStatusSchema,
    streamId: toConsultation,
    ...consultationAggregate,
  }),
  UploadScan: define({
    name: 'UploadScan',
    schema: scan.UploadScanSchema,
    streamId: toScan,
    requires: patientOf,
    ...scanAggregate,
  }),
  RecordPrediction: define({
    name: 'RecordPrediction',
    schema: scan.RecordPredictionSchema,
    streamId: toScan,
    ...scanAggregate,
  }),
  RequestReport: define({
    name: 'RequestReport',
    schema: report.RequestReportSchema,
    streamId: toReport,
    requires: patientOf,
    ...reportAggregate,
  }),
  StartReportGeneration: define({
    name: 'StartReportGeneration',
    schema: report.StartReportGenerationSchema,
    streamId: toReport,
    ...reportAggregate,
  }),
  CompleteReport: define({
    name: 'CompleteReport',
    schema: report.CompleteReportSchema,
    streamId: toReport,
    ...reportAggregate,
  }),
  FailReport: define({ name: 'FailReport', schema: report.FailReportSchema, streamId: toReport, ...reportAggregate }),
  LogSymptom: define({
    name: 'LogSymptom',
    schema: tracker.LogSymptomSchema,
    streamId: (command) => `tracker-${command.patientId}`,
    requires: patientOf,
    decider: trackerDecider,
    isEvent: isTrackerEvent,
    occurredAt: trackerOccurredAt,
  }),
  StartSession: define({
    name: 'StartSession',
    schema: session.StartSessionSchema,
    streamId: toSession,
    requires: (command) => [{ fact: 'patientRegistered', streamId: `patient-${command.playerId}` }],
    ...sessionAggregate,
  }),
  CompleteSession: define({
    name: 'CompleteSession',
    schema: session.CompleteSessionSchema,
    streamId: toSession,
    ...sessionAggregate,
  }),
  FailSession: define({
    name: 'FailSession',
    schema: session.FailSessionSchema,
    streamId: toSession,
    ...sessionAggregate,
  }),
  ErasePatient: define({
    name: 'ErasePatient',
    schema: patient.ErasePatientSchema,
    streamId: toPatient,
    roles: ['admin'],
    // the key goes first: a crash before the append leaves a retry that appends; the reverse could leave a live key
    effects: (command) => [{ kind: 'destroyDataKey', subjectId: command.patientId }],
    ...patientAggregate,
  }),
};

/** The name of a command: `'RecordConsultation'`, … */
export type CommandName = keyof typeof commandRegistry;

/** True when `name` is a command of the registry (for routing `POST /commands/{name}`). */
export function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(commandRegistry, name);
}

/** Every command name, in SPEC order. */
export const commandNames: readonly CommandName[] = Object.keys(commandRegistry).filter(isCommandName);

/** ErasePatient (SPEC §9, role `admin`): destroys the patient's data key, then appends `PatientErased`. */
export const erasePatientCommand = commandRegistry.ErasePatient;
