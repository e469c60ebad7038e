/**
 * The pure caretrack domain: command schemas, events, deciders and the command registry.
 * No store, clock or HTTP in here (ARCHITECTURE.md).
 */
export type { DecideContext, Decider, DomainEvent } from './shared/decider.js';
export { ConflictError, DomainError, NotFoundError, ValidationError, type FieldError } from './shared/errors.js';
export { validationErrorFromZod, type Command } from './shared/command.js';
export { ID_PATTERN, MAX_LENGTH, toInstant } from './shared/fields.js';

export * from './commands.js';
export * from './events.js';

export * from './patient/patient.commands.js';
export * from './patient/patient.events.js';
export * from './patient/patient.decider.js';
export * from './doctor/doctor.commands.js';
export * from './doctor/doctor.events.js';
export * from './doctor/doctor.decider.js';
export * from './consultation/consultation.commands.js';
export * from './consultation/consultation.events.js';
export * from './consultation/consultation.decider.js';
export * from './scan/scan.commands.js';
export * from './scan/scan.events.js';
export * from './scan/scan.decider.js';
export * from './report/report.commands.js';
export * from './report/report.events.js';
export * from './report/report.decider.js';
export * from './tracker/tracker.commands.js';
export * from './tracker/tracker.events.js';
export * from './tracker/tracker.decider.js';
export * from './tracker/tracker-config.js';
export * from './session/session.commands.js';
export * from './session/session.events.js';
export * from './session/session.decider.js';
