import { commandRegistry } from '../../../../libs/domain/commands.js';
import { command, type TableImporter } from './row-plan.js';
import { code, date, flag, firstInstant, numeric, text, type LegacyRow } from './row-values.js';

const { RegisterPatient, RegisterDoctor, AssignDoctor, EndDoctorAssignment } = commandRegistry;

/** `patients` → PatientRegistered, at `registered_at`. */
export const patientsImporter: TableImporter = {
  table: 'patients',
  key: ['patient_id'],
  read: {
    required: ['patient_id', 'first_name', 'last_name', 'registered_at'],
    optional: ['date_of_birth', 'age_group', 'sport_type', 'team_id', 'position', 'jersey_number'],
    orderBy: ['registered_at', 'patient_id'],
  },
  fieldColumns: {
    patientId: 'patient_id',
    firstName: 'first_name',
    lastName: 'last_name',
    dateOfBirth: 'date_of_birth',
    ageGroup: 'age_group',
    sportType: 'sport_type',
    teamId: 'team_id',
    position: 'position',
    jerseyNumber: 'jersey_number',
  },
  plan(row: LegacyRow) {
    const streamId = `patient-${String(row['patient_id'])}`;
    const body = {
      patientId: text(row['patient_id']),
      firstName: text(row['first_name']),
      lastName: text(row['last_name']),
      dateOfBirth: date(row['date_of_birth']),
      ageGroup: text(row['age_group']),
      sportType: text(row['sport_type']),
      teamId: text(row['team_id']),
      position: text(row['position']),
      jerseyNumber: numeric(row['jersey_number']),
    };
    const at = firstInstant(row['registered_at']);
    return {
      streamId,
      streams: [streamId],
      commands: [command(RegisterPatient, (a) => a.patient, streamId, body, at, 'registered_at')],
    };
  },
};

/** `doctors` → DoctorRegistered, at `registered_at`. */
export const doctorsImporter: TableImporter = {
  table: 'doctors',
  key: ['doctor_id'],
  read: {
    required: ['doctor_id', 'name', 'registered_at'],
    optional: ['specialization', 'email'],
    orderBy: ['registered_at', 'doctor_id'],
  },
  fieldColumns: { doctorId: 'doctor_id', name: 'name', specialization: 'specialization', email: 'email' },
  plan(row: LegacyRow) {
    const streamId = `doctor-${String(row['doctor_id'])}`;
    const body = {
      doctorId: text(row['doctor_id']),
      name: text(row['name']),
      specialization: text(row['specialization']),
      email: text(row['email']),
    };
    const at = firstInstant(row['registered_at']);
    return {
      streamId,
      streams: [streamId],
      commands: [command(RegisterDoctor, (a) => a.doctor, streamId, body, at, 'registered_at')],
    };
  },
};

/**
 * `doctor_patient_assignments` → DoctorAssigned at `assigned_at`, then DoctorAssignmentEnded
 * when not active, at `ended_at` (at `assigned_at` when an inactive row has no end date).
 * Rows are read patient by patient, so one patient's assignments go in one append.
 */
export const assignmentsImporter: TableImporter = {
  table: 'doctor_patient_assignments',
  key: ['doctor_id', 'patient_id'],
  read: {
    required: ['doctor_id', 'patient_id', 'assignment_type', 'assigned_at'],
    optional: ['is_active', 'ended_at', 'notes'],
    orderBy: ['patient_id', 'assigned_at', 'doctor_id'],
  },
  fieldColumns: { patientId: 'patient_id', doctorId: 'doctor_id', assignmentType: 'assignment_type', notes: 'notes' },
  plan(row: LegacyRow) {
    const patientId = text(row['patient_id']);
    const doctorId = text(row['doctor_id']);
    const streamId = `patient-${String(row['patient_id'])}`;
    const assigned = firstInstant(row['assigned_at']);
    const commands = [
      command(
        AssignDoctor,
        (a) => a.patient,
        streamId,
        { patientId, doctorId, assignmentType: code(row['assignment_type']), notes: text(row['notes']) },
        assigned,
        'assigned_at',
      ),
    ];
    // A missing is_active means the seed's default: active.
    const active = flag(row['is_active'] ?? true);
    if (active === false)
      commands.push(
        command(
          EndDoctorAssignment,
          (a) => a.patient,
          streamId,
          { patientId, doctorId },
          firstInstant(row['ended_at'], row['assigned_at']),
          'ended_at',
        ),
      );
    const problems =
      active === null
        ? [{ column: 'is_active', message: `not a yes/no value: ${JSON.stringify(row['is_active'])}` }]
        : [];
    return { streamId, streams: [streamId, `doctor-${String(row['doctor_id'])}`], commands, problems };
  },
};
