import { withPersonalFieldsErased } from '../personal-data/index.js';
import {
  commandNames,
  commandRegistry,
  decideCommand,
  erasePatientCommand,
  isCommandName,
  type CommandName,
} from './commands.js';
import type { DomainEvent } from './shared/decider.js';
import { ValidationError } from './shared/errors.js';
import { contextWith } from './shared/test-context.js';

/** The command table of SPEC §2, in order. */
const SPEC_COMMANDS = [
  'RegisterPatient',
  'UpdatePatientProfile',
  'RegisterDoctor',
  'AssignDoctor',
  'EndDoctorAssignment',
  'RecordConsultation',
  'ChangeConsultationStatus',
  'UploadScan',
  'RecordPrediction',
  'RequestReport',
  'StartReportGeneration',
  'CompleteReport',
  'FailReport',
  'LogSymptom',
  'StartSession',
  'CompleteSession',
  'FailSession',
  'ErasePatient',
];

type Case = { body: object; streamId: string; requires: Record<string, string>; past?: DomainEvent[]; emits: string };
const patientP1: DomainEvent = { type: 'PatientRegistered', data: { patientId: 'p1', firstName: 'A', lastName: 'B' } };
const sha256 = 'f'.repeat(64);

/** One valid body per command, the stream it writes and the streams it reads (fact → stream). */
const CASES: Record<CommandName, Case> = {
  RegisterPatient: {
    body: { patientId: 'p1', firstName: 'A', lastName: 'B' },
    streamId: 'patient-p1',
    requires: {},
    emits: 'PatientRegistered',
  },
  UpdatePatientProfile: {
    body: { patientId: 'p1', lastName: 'C' },
    streamId: 'patient-p1',
    requires: {},
    past: [patientP1],
    emits: 'PatientProfileUpdated',
  },
  RegisterDoctor: {
    body: { doctorId: 'd1', name: 'Dr D' },
    streamId: 'doctor-d1',
    requires: {},
    emits: 'DoctorRegistered',
  },
  AssignDoctor: {
    body: { patientId: 'p1', doctorId: 'd1', assignmentType: 'primary' },
    streamId: 'patient-p1',
    requires: { doctorRegistered: 'doctor-d1' },
    past: [patientP1],
    emits: 'DoctorAssigned',
  },
  EndDoctorAssignment: {
    body: { patientId: 'p1', doctorId: 'd1' },
    streamId: 'patient-p1',
    requires: {},
    past: [patientP1, { type: 'DoctorAssigned', data: { patientId: 'p1', doctorId: 'd1', assignmentType: 'primary' } }],
    emits: 'DoctorAssignmentEnded',
  },
  RecordConsultation: {
    body: {
      consultationId: 'c1',
      patientId: 'p1',
      doctorId: 'd1',
      consultationType: 'emergency',
      consultationDate: '2025-05-01',
    },
    streamId: 'consultation-c1',
    requires: { patientRegistered: 'patient-p1', doctorRegistered: 'doctor-d1' },
    emits: 'ConsultationRecorded',
  },
  ChangeConsultationStatus: {
    body: { consultationId: 'c1', status: 'completed' },
    streamId: 'consultation-c1',
    requires: {},
    past: [
      {
        type: 'ConsultationRecorded',
        data: {
          consultationId: 'c1',
          patientId: 'p1',
          doctorId: 'd1',
          consultationType: 'emergency',
          consultationDate: '2025-05-01',
          status: 'scheduled',
        },
      },
    ],
    emits: 'ConsultationStatusChanged',
  },
  UploadScan: {
    body: { scanId: 's1', patientId: 'p1', fileUri: 'file:///s1', sha256, sizeBytes: 1 },
    streamId: 'scan-s1',
    requires: { patientRegistered: 'patient-p1' },
    emits: 'ScanUploaded',
  },
  RecordPrediction: {
    body: { scanId: 's1', predictionId: 'x1', result: 'negative', confidence: 0.5, modelVersion: 'm1' },
    streamId: 'scan-s1',
    requires: {},
    past: [
      {
        type: 'ScanUploaded',
        data: { scanId: 's1', patientId: 'p1', fileUri: 'f', sha256, sizeBytes: 1, modality: 'MRI' },
      },
    ],
    emits: 'PredictionRecorded',
  },
  RequestReport: {
    body: { reportId: 'r1', patientId: 'p1', reportType: 'summary' },
    streamId: 'report-r1',
    requires: { patientRegistered: 'patient-p1' },
    emits: 'ReportRequested',
  },
  StartReportGeneration: {
    body: { reportId: 'r1' },
    streamId: 'report-r1',
    requires: {},
    past: [{ type: 'ReportRequested', data: { reportId: 'r1', patientId: 'p1', reportType: 'summary', priority: 3 } }],
    emits: 'ReportGenerationStarted',
  },
  CompleteReport: {
    body: { reportId: 'r1', reportUri: 'file:///r1.pdf' },
    streamId: 'report-r1',
    requires: {},
    past: [
      { type: 'ReportRequested', data: { reportId: 'r1', patientId: 'p1', reportType: 'summary', priority: 3 } },
      {
        type: 'ReportGenerationStarted',
        data: { reportId: 'r1', patientId: 'p1', reportType: 'summary', retryCount: 0 },
      },
    ],
    emits: 'ReportGenerated',
  },
  FailReport: {
    body: { reportId: 'r1', errorMessage: 'boom' },
    streamId: 'report-r1',
    requires: {},
    past: [
      { type: 'ReportRequested', data: { reportId: 'r1', patientId: 'p1', reportType: 'summary', priority: 3 } },
      {
        type: 'ReportGenerationStarted',
        data: { reportId: 'r1', patientId: 'p1', reportType: 'summary', retryCount: 0 },
      },
    ],
    emits: 'ReportGenerationFailed',
  },
  LogSymptom: {
    body: { patientId: 'p1', symptomId: 'dizziness', severity: 2, loggedAt: '2025-06-01T10:00:00Z' },
    streamId: 'tracker-p1',
    requires: { patientRegistered: 'patient-p1' },
    emits: 'SymptomLogged',
  },
  StartSession: {
    body: { sessionId: 'se1', playerId: 'p1', sessionType: 'analysis', startTime: '2025-06-01T10:00:00Z' },
    streamId: 'session-se1',
    requires: { patientRegistered: 'patient-p1' },
    emits: 'SessionStarted',
  },
  CompleteSession: {
    body: { sessionId: 'se1', endTime: '2025-06-01T11:00:00Z', kpis: {} },
    streamId: 'session-se1',
    requires: {},
    past: [
      {
        type: 'SessionStarted',
        data: { sessionId: 'se1', playerId: 'p1', sessionType: 'analysis', startTime: '2025-06-01T10:00:00Z' },
      },
    ],
    emits: 'SessionCompleted',
  },
  FailSession: {
    body: { sessionId: 'se1', reason: 'no video' },
    streamId: 'session-se1',
    requires: {},
    past: [
      {
        type: 'SessionStarted',
        data: { sessionId: 'se1', playerId: 'p1', sessionType: 'analysis', startTime: '2025-06-01T10:00:00Z' },
      },
    ],
    emits: 'SessionFailed',
  },
  ErasePatient: {
    body: { patientId: 'p1', reason: 'request #1' },
    streamId: 'patient-p1',
    requires: {},
    past: [patientP1],
    emits: 'PatientErased',
  },
};

const isKnownSymptom = (symptomId: string) => symptomId === 'dizziness';

describe('commandRegistry', () => {
  it('holds exactly the commands of SPEC §2, each under its own name', () => {
    expect([...commandNames]).toEqual(SPEC_COMMANDS);
    for (const name of commandNames) expect(commandRegistry[name].name).toBe(name);
    expect(isCommandName('RecordConsultation')).toBe(true);
    expect(isCommandName('toString')).toBe(false);
  });

  describe.each(SPEC_COMMANDS.filter(isCommandName))('%s', (name) => {
    const { body, streamId, requires, past = [], emits } = CASES[name];
    const prepared = commandRegistry[name].prepare(body);
    const allFacts = Object.fromEntries(Object.keys(requires).map((fact) => [fact, true]));

    it('routes to its stream and names the streams it reads', () => {
      expect(prepared.streamId).toBe(streamId);
      expect(Object.fromEntries(prepared.requires.map((r) => [r.fact, r.streamId]))).toEqual(requires);
    });

    it('decides from the past events with the facts it requires', () => {
      const events = prepared.decide(past, contextWith({ ...allFacts, isKnownSymptom }));
      expect(events.map((event) => event.type)).toEqual([emits]);
    });

    it('decides the same on a state folded in steps as on the past events', () => {
      const context = contextWith({ ...allFacts, isKnownSymptom });
      const half = Math.floor(past.length / 2);
      const folded = prepared.fold(prepared.fold(null, past.slice(0, half)), past.slice(half));
      expect(folded.aggregate).toBe(prepared.aggregate);
      expect(prepared.decideOn(folded, context)).toEqual(prepared.decide(past, context));
    });

    for (const fact of Object.keys(requires))
      it(`cannot decide without the fact ${fact}`, () => {
        const { [fact]: _missing, ...others } = allFacts;
        expect(() => prepared.decide(past, contextWith({ ...others, isKnownSymptom }))).toThrow(fact);
      });

    it('rejects an unknown field with 400 on its path', () => {
      const run = () => commandRegistry[name].prepare({ ...body, sneaky: 1 });
      expect(run).toThrow(ValidationError);
      try {
        run();
      } catch (error) {
        expect(error).toMatchObject({ errors: [{ path: 'sneaky', message: 'unknown field' }] });
      }
    });
  });
});

describe('command roles', () => {
  it('lets services send every command of SPEC §2', () => {
    for (const name of commandNames.filter((n) => n !== 'ErasePatient'))
      expect({ name, roles: commandRegistry[name].roles }).toEqual({ name, roles: ['service'] });
  });

  it('lets only admins send ErasePatient, which destroys the data key before its event is appended', () => {
    expect(erasePatientCommand.roles).toEqual(['admin']);
    expect(isCommandName('ErasePatient')).toBe(true);
    const prepared = erasePatientCommand.prepare({ patientId: 'p1', reason: 'request #1' });
    expect(prepared.streamId).toBe('patient-p1');
    expect(prepared.effects).toEqual([{ kind: 'destroyDataKey', subjectId: 'p1' }]);
    expect(commandRegistry.RegisterPatient.prepare(CASES.RegisterPatient.body).effects).toEqual([]);
    expect(prepared.decide([patientP1], contextWith({})).map((e) => [e.type, e.data])).toEqual([
      ['PatientErased', { patientId: 'p1', reason: 'request #1' }],
    ]);
  });
});

describe('folded states', () => {
  it('hold no personal field: folding the events as an erased patient reads them gives the same state (the decision cache relies on it)', () => {
    for (const name of commandNames) {
      const { body, past = [] } = CASES[name];
      const prepared = commandRegistry[name].prepare(body);
      const erased = past.map((event): DomainEvent => {
        const { type, data } = withPersonalFieldsErased({ id: 'e', type: event.type, data: { ...event.data } });
        return { type, data };
      });
      expect({ name, state: prepared.fold(null, erased).value }).toEqual({
        name,
        state: prepared.fold(null, past).value,
      });
    }
  });

  it('refuses a state folded by another aggregate', () => {
    const patientState = commandRegistry.RegisterPatient.prepare(CASES.RegisterPatient.body).fold(null, []);
    const doctor = commandRegistry.RegisterDoctor.prepare(CASES.RegisterDoctor.body);
    expect(() => doctor.decideOn(patientState, contextWith({}))).toThrow(TypeError);
    expect(() => doctor.fold(patientState, [])).toThrow(TypeError);
  });

  it('commands of one aggregate share its state: a rule sees what another command folded in', () => {
    const register = commandRegistry.RegisterPatient.prepare(CASES.RegisterPatient.body);
    const state = register.fold(null, [patientP1]);
    const update = commandRegistry.UpdatePatientProfile.prepare({ patientId: 'p1', lastName: 'Z' });
    expect(update.aggregate).toBe(register.aggregate);
    expect(update.decideOn(state, contextWith({})).map((e) => e.type)).toEqual(['PatientProfileUpdated']);
    expect(() => register.decideOn(state, contextWith({}))).toThrow('already registered');
  });
});

describe('decideCommand', () => {
  it('folds the past events and skips events of other aggregates', () => {
    const foreign: DomainEvent = { type: 'SomethingElse', data: {} };
    const events = decideCommand(
      commandRegistry.RecordPrediction,
      { scanId: 's1', predictionId: 'x2', result: 'positive', stage: 4, confidence: 0.99, modelVersion: 'm1' },
      [foreign, ...(CASES.RecordPrediction.past ?? [])],
      contextWith({}),
    );
    expect(events).toEqual([
      {
        type: 'PredictionRecorded',
        data: {
          scanId: 's1',
          predictionId: 'x2',
          result: 'positive',
          stage: 4,
          confidence: 0.99,
          modelVersion: 'm1',
          patientId: 'p1',
        },
      },
    ]);
  });
});
