import { createHash, randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { commandRegistry, CommandName } from '../../libs/domain/commands.js';
import type { EventStore, StoredEvent } from '../../libs/event-store/index.js';
import { decryptEvents } from '../../libs/personal-data/index.js';
import type { TestApp } from './app.js';

/** One key per role (SPEC §8: at least 24 characters each). */
export const TEST_KEYS = {
  service: 'svc_e2e_0123456789abcdefghijklmnop',
  reader: 'rdr_e2e_0123456789abcdefghijklmnop',
  admin: 'adm_e2e_0123456789abcdefghijklmnop',
  auditor: 'aud_e2e_0123456789abcdefghijklmnop',
  metrics: 'met_e2e_0123456789abcdefghijklmnop',
} as const;

/** The env that configures {@link TEST_KEYS}: `startTestApp(topology, apiKeysEnv)`. */
export const apiKeysEnv: Record<string, string> = {
  API_KEYS: Object.entries(TEST_KEYS)
    .map(([role, key]) => `${role}:${key}`)
    .join(','),
};

/** The actor id a key gets in event metadata: the first 12 hex characters of its SHA-256. */
export const keyIdOf = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 12);

/** The body of a command as its schema accepts it (the schemas have no transforms: input = output). */
export type CommandBody<N extends CommandName> = z.output<(typeof commandRegistry)[N]['schema']>;

/** The 201 body of an accepted command (SPEC §2). */
export type Accepted = {
  streamId: string;
  nextExpectedRevision: number;
  position: string;
  events: { id: string; type: string }[];
};

/** A problem+json body (RFC 9457). */
export type ProblemBody = {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: { path: string; message: string }[];
};

/** What a test reads from a response. */
export type Reply = {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  raw: string;
  /** the parsed JSON body (undefined when the body is not JSON) */
  body: unknown;
};

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A fresh id matching SPEC §1's pattern. */
export const uid = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

function parse(raw: string): unknown {
  try {
    return raw === '' ? undefined : JSON.parse(raw);
  } catch {
    return undefined;
  }
}

/**
 * Sends commands through the app's real HTTP pipeline with the service key (or `key`).
 *
 * @example
 * const client = commandClient(app);
 * const res = await client.send('RegisterDoctor', { doctorId: 'd1', name: 'Dr Ada' });
 */
export function commandClient(app: TestApp, key: string | null = TEST_KEYS.service) {
  const auth = key === null ? {} : { authorization: `Bearer ${key}` };

  /** POSTs `body` as JSON (a string is sent as is: for invalid JSON) to `/commands/{name}`. */
  async function send(name: CommandName | string, body: unknown, headers: Record<string, string> = {}): Promise<Reply> {
    const payload = typeof body === 'string' ? body : JSON.stringify(body);
    const res = await app.app.inject({
      method: 'POST',
      url: `/commands/${name}`,
      headers: { ...auth, 'content-type': 'application/json', ...headers },
      payload,
    });
    return { status: res.statusCode, headers: res.headers, raw: res.body, body: parse(res.body) };
  }

  /** Sends a command that must succeed; throws with the problem otherwise (for test set-up). */
  async function ok<N extends CommandName>(
    name: N,
    body: CommandBody<N>,
    headers: Record<string, string> = {},
  ): Promise<Accepted> {
    const res = await send(name, body, headers);
    if (res.status !== 201) throw new Error(`set-up ${name} answered ${res.status}: ${res.raw}`);
    return res.body as Accepted;
  }

  return { send, ok };
}

export type CommandClient = ReturnType<typeof commandClient>;

/** Valid bodies, built from the ids they need: the smallest body each command accepts. */
export const bodies = {
  patient: (patientId: string): CommandBody<'RegisterPatient'> => ({
    patientId,
    firstName: 'Ada',
    lastName: 'Lovelace',
  }),
  doctor: (doctorId: string): CommandBody<'RegisterDoctor'> => ({ doctorId, name: 'Dr Grace Hopper' }),
  consultation: (
    consultationId: string,
    patientId: string,
    doctorId: string,
    status: 'scheduled' | 'completed' = 'scheduled',
  ): CommandBody<'RecordConsultation'> => ({
    consultationId,
    patientId,
    doctorId,
    consultationType: 'in_person',
    consultationDate: '2025-03-01',
    status,
  }),
  scan: (scanId: string, patientId: string): CommandBody<'UploadScan'> => ({
    scanId,
    patientId,
    fileUri: 's3://scans/x.dcm',
    sha256: 'a'.repeat(64),
    sizeBytes: 1024,
  }),
  prediction: (scanId: string, predictionId: string): CommandBody<'RecordPrediction'> => ({
    scanId,
    predictionId,
    result: 'negative',
    confidence: 0.9,
    modelVersion: 'pd-net-1.0',
  }),
  report: (reportId: string, patientId: string): CommandBody<'RequestReport'> => ({
    reportId,
    patientId,
    reportType: 'weekly_summary',
  }),
  session: (sessionId: string, playerId: string): CommandBody<'StartSession'> => ({
    sessionId,
    playerId,
    sessionType: 'training',
    startTime: '2025-04-01T10:00:00Z',
  }),
  symptom: (patientId: string, extra: Partial<CommandBody<'LogSymptom'>> = {}): CommandBody<'LogSymptom'> => ({
    patientId,
    symptomId: 'headache',
    severity: 2,
    loggedAt: '2025-05-01T08:00:00Z',
    ...extra,
  }),
};

/**
 * Builds the state a command needs through the API itself (every step must answer 201).
 *
 * @example const { patientId, doctorId } = await given(client).assignment();
 */
export function given(client: CommandClient) {
  const g = {
    /** the client the builders send with (for an extra set-up step) */
    client,
    async patient(patientId = uid('p')) {
      await client.ok('RegisterPatient', bodies.patient(patientId));
      return patientId;
    },
    async doctor(doctorId = uid('d')) {
      await client.ok('RegisterDoctor', bodies.doctor(doctorId));
      return doctorId;
    },
    async patientAndDoctor() {
      return { patientId: await g.patient(), doctorId: await g.doctor() };
    },
    async assignment() {
      const ids = await g.patientAndDoctor();
      await client.ok('AssignDoctor', { ...ids, assignmentType: 'primary' });
      return ids;
    },
    async consultation(status: 'scheduled' | 'completed' = 'scheduled') {
      const ids = await g.patientAndDoctor();
      const consultationId = uid('c');
      await client.ok('RecordConsultation', bodies.consultation(consultationId, ids.patientId, ids.doctorId, status));
      return { ...ids, consultationId };
    },
    async scan() {
      const patientId = await g.patient();
      const scanId = uid('s');
      await client.ok('UploadScan', bodies.scan(scanId, patientId));
      return { patientId, scanId };
    },
    async report(reportType = 'weekly_summary') {
      const patientId = await g.patient();
      const reportId = uid('r');
      await client.ok('RequestReport', { ...bodies.report(reportId, patientId), reportType });
      return { patientId, reportId, reportType };
    },
    async generatingReport() {
      const ids = await g.report();
      await client.ok('StartReportGeneration', { reportId: ids.reportId });
      return ids;
    },
    /** a report that failed `times` times (and is now `failed`) */
    async failedReport(times: number) {
      const ids = await g.report();
      for (let i = 0; i < times; i++) {
        await client.ok('StartReportGeneration', { reportId: ids.reportId });
        await client.ok('FailReport', { reportId: ids.reportId, errorMessage: `attempt ${i + 1} failed` });
      }
      return ids;
    },
    async session() {
      const playerId = await g.patient();
      const sessionId = uid('sess');
      await client.ok('StartSession', bodies.session(sessionId, playerId));
      return { playerId, sessionId, startTime: '2025-04-01T10:00:00Z' };
    },
    async completedSession() {
      const ids = await g.session();
      await client.ok('CompleteSession', { sessionId: ids.sessionId, endTime: '2025-04-01T11:00:00Z', kpis: {} });
      return ids;
    },
    async failedSession() {
      const ids = await g.session();
      await client.ok('FailSession', { sessionId: ids.sessionId, reason: 'video corrupt' });
      return ids;
    },
  };
  return g;
}

/**
 * Watches the event log around an action: `appended()` lists what was written since `mark()`.
 *
 * @example
 * const log = await eventLog(app).mark();
 * … send a rejected command …
 * expect(await log.appended()).toEqual([]);
 */
export function eventLog(app: TestApp) {
  const store = app.infrastructure.eventStore;
  const keys = app.infrastructure.keyStore;
  const raw = {
    async appendedSince(head: Awaited<ReturnType<EventStore['headPosition']>>): Promise<StoredEvent[]> {
      return store.readAll({ fromPosition: head ?? 'start', maxCount: 1000 });
    },
    async stream(streamId: string): Promise<StoredEvent[]> {
      try {
        return await store.readStream(streamId);
      } catch (error) {
        if ((error as { code?: string }).code === 'stream_not_found') return [];
        throw error;
      }
    },
  };
  return {
    async mark() {
      const head = await store.headPosition();
      return {
        head,
        /** the events appended since the mark, oldest first, decrypted (as the deciders see them) */
        async appended(): Promise<StoredEvent[]> {
          return decryptEvents(await raw.appendedSince(head), keys);
        },
        /** the events appended since the mark as stored (personal fields in `data.$encrypted`) */
        async appendedRaw(): Promise<StoredEvent[]> {
          return raw.appendedSince(head);
        },
        /** the log head now */
        async headNow() {
          return store.headPosition();
        },
      };
    },
    /** the events of one stream, oldest first ([] when it has none), decrypted */
    async stream(streamId: string): Promise<StoredEvent[]> {
      return decryptEvents(await raw.stream(streamId), keys);
    },
    /** the events of one stream as stored */
    rawStream: raw.stream,
  };
}
