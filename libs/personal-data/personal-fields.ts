/**
 * Which fields of which event are personal data (SPEC §9), and which data field names the
 * person they are about (the data subject, whose key encrypts them).
 *
 * Rule of thumb: free text and URIs written about a patient are personal; ids, codes, dates,
 * severities and KPIs stay in clear so that statistics survive an erasure. Doctors are staff,
 * not data subjects: `DoctorRegistered` has no subject. Three entries go beyond SPEC §9's list,
 * by the same rule: `reportUri` (like a scan's `fileUri`, it points at the patient's document),
 * and the free texts `errorMessage` of a failed report and `reason` of a failed session.
 * `personal-fields.spec.ts` checks this table against every event type of `libs/domain`.
 */
export const personalFieldCatalogue = {
  PatientRegistered: { subject: 'patientId', fields: ['firstName', 'lastName', 'dateOfBirth'] },
  PatientProfileUpdated: { subject: 'patientId', fields: ['firstName', 'lastName', 'dateOfBirth'] },
  DoctorAssigned: { subject: 'patientId', fields: ['notes'] },
  DoctorAssignmentEnded: { subject: 'patientId', fields: ['reason'] },
  PatientErased: { subject: 'patientId', fields: [] },
  DoctorRegistered: { subject: null, fields: [] },
  ConsultationRecorded: { subject: 'patientId', fields: ['chiefComplaint', 'diagnosis', 'prescription', 'notes'] },
  ConsultationStatusChanged: { subject: 'patientId', fields: ['reason'] },
  ScanUploaded: { subject: 'patientId', fields: ['fileUri'] },
  PredictionRecorded: { subject: 'patientId', fields: [] },
  ReportRequested: { subject: 'patientId', fields: [] },
  ReportGenerationStarted: { subject: 'patientId', fields: [] },
  ReportGenerated: { subject: 'patientId', fields: ['reportUri'] },
  ReportGenerationFailed: { subject: 'patientId', fields: ['errorMessage'] },
  SymptomLogged: { subject: 'patientId', fields: [] },
  SessionStarted: { subject: 'playerId', fields: ['title', 'description', 'videoPath', 'metadata'] },
  SessionCompleted: { subject: 'playerId', fields: [] },
  SessionFailed: { subject: 'playerId', fields: ['reason'] },
} as const satisfies Record<string, PersonalFieldSpec>;

/** One event type's entry: the data field naming the subject (`null`: none) and its personal fields. */
export type PersonalFieldSpec = { readonly subject: string | null; readonly fields: readonly string[] };

/** The catalogue's event types. */
export type CataloguedEventType = keyof typeof personalFieldCatalogue;

/** The personal field names of event type `T` (`never` for a type outside the catalogue). */
export type PersonalFieldOf<T extends string> = T extends CataloguedEventType
  ? (typeof personalFieldCatalogue)[T]['fields'][number]
  : never;

/**
 * An event's data as projections and views receive it: each personal field is its value, or
 * `null` once the subject was erased.
 *
 * @example type Seen = Erasable<{ type: 'ScanUploaded'; data: { fileUri: string; scanId: string } }>;
 * // data: { fileUri: string | null; scanId: string }
 */
export type Erasable<E extends { type: string; data: object }> = E extends unknown
  ? Omit<E, 'data'> & { data: ErasableData<E['data'], PersonalFieldOf<E['type']> & keyof E['data']> }
  : never;

type ErasableData<D, K extends keyof D> = Omit<D, K> & { [P in K]: D[P] | null };

const catalogue: Readonly<Record<string, PersonalFieldSpec>> = personalFieldCatalogue;

/**
 * The catalogue entry of an event type; `undefined` for a type it does not know (such an
 * event is refused by `encryptEvent`, so a new event type cannot slip plaintext into the log).
 *
 * @example personalFieldsOf('ScanUploaded') // { subject: 'patientId', fields: ['fileUri'] }
 */
export function personalFieldsOf(type: string): PersonalFieldSpec | undefined {
  return Object.hasOwn(catalogue, type) ? catalogue[type] : undefined;
}
