import type { TriageMap } from '../../libs/domain/tracker/tracker-config.js';
import { erasedSource, type TimelineSource } from './timeline-events.js';
import {
  consultationSeverity,
  predictionSeverity,
  statusChangeSeverity,
  symptomSeverity,
} from './timeline-severity.js';
import { joinParts, label, minutes, words } from './timeline-text.js';
import type { TimelineRow } from './patient-timeline.tables.js';

export type { TimelineEventType, TimelineRow } from './patient-timeline.tables.js';

/** What an entry may need beyond its event: the rules, and the doctor of a scan seen before. */
export type EntryContext = {
  triageMap: TriageMap;
  /** the `doctorId` of an uploaded scan, `null` when it had none or is unknown */
  scanDoctor: (scanId: string) => string | null;
};

type Entry = Omit<TimelineRow, 'event_id' | 'event_date' | 'description_erased'>;

/**
 * The timeline row of one event: deterministic text, time from `occurredAt` only.
 *
 * @example timelineEntry(source, ctx).event_type // 'scan_uploaded'
 */
export function timelineEntry(source: TimelineSource, context: EntryContext): TimelineRow {
  const entry = entryOf(source, context);
  // Most events (symptom logs, KPIs) carry no personal field: their erased text is the text.
  const erased = erasedSource(source);
  return {
    event_id: source.id,
    event_date: source.occurredAt,
    ...entry,
    description_erased: erased === source ? entry.description : entryOf(erased, context).description,
  };
}

function entryOf({ event }: TimelineSource, context: EntryContext): Entry {
  switch (event.type) {
    case 'PatientRegistered': {
      const d = event.data;
      const details = joinParts([
        d.sportType,
        d.teamId && `team ${d.teamId}`,
        d.position,
        d.jerseyNumber !== undefined && `#${d.jerseyNumber}`,
      ]);
      return {
        patient_id: d.patientId,
        event_type: 'patient_registered',
        title: 'Patient registered',
        description: `${d.firstName === null || d.lastName === null ? 'Patient' : `${d.firstName} ${d.lastName}`} registered${details ? ` (${details})` : ''}`,
        severity: 'info',
        source_type: 'patient',
        source_id: d.patientId,
        doctor_id: null,
      };
    }
    case 'DoctorAssigned': {
      const d = event.data;
      return {
        patient_id: d.patientId,
        event_type: 'doctor_assigned',
        title: 'Doctor assigned',
        description: `Doctor ${d.doctorId} assigned as ${d.assignmentType} doctor`,
        severity: 'info',
        source_type: 'doctor',
        source_id: d.doctorId,
        doctor_id: d.doctorId,
      };
    }
    case 'ConsultationRecorded': {
      const d = event.data;
      const details = joinParts([
        d.chiefComplaint && `chief complaint: ${d.chiefComplaint}`,
        d.diagnosis && `diagnosis: ${d.diagnosis}`,
      ]);
      return {
        patient_id: d.patientId,
        event_type: 'consultation',
        title: `${label(d.consultationType)} consultation${d.status === 'scheduled' ? ' scheduled' : ''}`,
        description: `${label(d.consultationType)} consultation with doctor ${d.doctorId}, ${d.status}${details ? `; ${details}` : ''}`,
        severity: consultationSeverity(d.consultationType),
        source_type: 'consultation',
        source_id: d.consultationId,
        doctor_id: d.doctorId,
      };
    }
    case 'ConsultationStatusChanged': {
      const d = event.data;
      return {
        patient_id: d.patientId,
        event_type: 'consultation_status_changed',
        title: `Consultation ${words(d.status)}`,
        description: `Consultation ${d.consultationId} with doctor ${d.doctorId} changed from ${d.previousStatus} to ${words(d.status)}${d.reason ? `: ${d.reason}` : ''}`,
        severity: statusChangeSeverity(d.status),
        source_type: 'consultation',
        source_id: d.consultationId,
        doctor_id: d.doctorId,
      };
    }
    case 'ScanUploaded': {
      const d = event.data;
      return {
        patient_id: d.patientId,
        event_type: 'scan_uploaded',
        title: `${d.modality} scan uploaded`,
        description: `${d.modality} scan ${d.scanId}${d.bodyRegion ? ` of ${d.bodyRegion}` : ''} uploaded`,
        severity: 'info',
        source_type: 'scan',
        source_id: d.scanId,
        doctor_id: d.doctorId ?? null,
      };
    }
    case 'PredictionRecorded': {
      const d = event.data;
      const outcome = d.result === 'positive' && d.stage !== undefined ? `positive (stage ${d.stage})` : d.result;
      return {
        patient_id: d.patientId,
        event_type: 'prediction_made',
        title: `Prediction: ${outcome}`,
        description: `Model ${d.modelVersion} on scan ${d.scanId}: ${outcome}, confidence ${Math.round(d.confidence * 100)}%`,
        severity: predictionSeverity(d.result, d.stage),
        source_type: 'prediction',
        source_id: d.predictionId,
        doctor_id: context.scanDoctor(d.scanId),
      };
    }
    case 'ReportRequested': {
      const d = event.data;
      return {
        patient_id: d.patientId,
        event_type: 'report_requested',
        title: `Report requested: ${d.reportType}`,
        description: `Report ${d.reportId} (${d.reportType}) requested with priority ${d.priority}`,
        severity: 'info',
        source_type: 'report',
        source_id: d.reportId,
        doctor_id: null,
      };
    }
    case 'ReportGenerated': {
      const d = event.data;
      return {
        patient_id: d.patientId,
        event_type: 'report_generated',
        title: `Report ready: ${d.reportType}`,
        description: `Report ${d.reportId} (${d.reportType}) generated`,
        severity: 'info',
        source_type: 'report',
        source_id: d.reportId,
        doctor_id: null,
      };
    }
    case 'ReportGenerationFailed': {
      const d = event.data;
      return {
        patient_id: d.patientId,
        event_type: 'report_failed',
        title: `Report failed: ${d.reportType}`,
        description: `Report ${d.reportId} (${d.reportType}) failed, attempt ${d.retryCount}${d.errorMessage ? `: ${d.errorMessage}` : ''}`,
        severity: 'medium',
        source_type: 'report',
        source_id: d.reportId,
        doctor_id: null,
      };
    }
    case 'SymptomLogged': {
      const d = event.data;
      const severity = symptomSeverity(context.triageMap, d.symptomId, d.severity);
      const details = joinParts([
        `reported by ${d.reporterType}`,
        d.incidentContext && `during ${d.incidentContext}`,
        severity === 'critical' && 'red flag',
      ]);
      return {
        patient_id: d.patientId,
        event_type: 'symptom_logged',
        title: `Symptom logged: ${words(d.symptomId)}`,
        description: `${label(d.symptomId)} at severity ${d.severity}/6, ${details}`,
        severity,
        source_type: 'symptom_log',
        source_id: d.logId,
        doctor_id: null,
      };
    }
    case 'SessionCompleted': {
      const d = event.data;
      return {
        patient_id: d.playerId,
        event_type: 'session_completed',
        title: 'Session completed',
        description: `Session ${d.sessionId} completed after ${minutes(d.durationSeconds)}`,
        severity: 'info',
        source_type: 'session',
        source_id: d.sessionId,
        doctor_id: null,
      };
    }
    default:
      return unreachable(event);
  }
}

function unreachable(event: never): never {
  throw new Error(`patient_timeline: unhandled event ${JSON.stringify(event)}`);
}
