import type { ApiClient } from './api-client.js';
import type { Output } from './progress-bar.js';

type AuditEvent = {
  position: string;
  revision: string;
  type: string;
  recordedAt: string;
  metadata: { actor?: { id?: string; role?: string }; occurredAt?: string };
  data: unknown;
};
type Integrity = {
  clean: boolean;
  streams: number;
  events: number;
  problems: { stream: string; revision: string; kind: string; detail: string }[];
};

/** `audit stream <id>`: every event of the stream, one per line, with who and when. */
export async function auditStream(api: ApiClient, streamId: string, out: Output): Promise<number> {
  const { events } = await api.get<{ events: AuditEvent[] }>(`/audit/streams/${encodeURIComponent(streamId)}`);
  for (const e of events) {
    const actor = e.metadata.actor ? `${e.metadata.actor.id ?? '?'} (${e.metadata.actor.role ?? '?'})` : '?';
    out.write(
      `${e.revision.padStart(4)}  ${e.recordedAt}  ${e.type.padEnd(26)} by ${actor}  ${JSON.stringify(e.data)}\n`,
    );
  }
  return 0;
}

/** `audit as-of <patient> <time>`: the patient's read models as they stood then, as JSON. */
export async function auditAsOf(api: ApiClient, patientId: string, at: string, out: Output): Promise<number> {
  const result = await api.get<unknown>(
    `/audit/patients/${encodeURIComponent(patientId)}/as-of?at=${encodeURIComponent(at)}`,
  );
  out.write(`${JSON.stringify(result, null, 2)}\n`);
  return 0;
}

/** `audit verify`: walks every stream's hash chain; exit 1 when anything was altered, removed or reordered. */
export async function auditVerify(api: ApiClient, out: Output): Promise<number> {
  const report = await api.get<Integrity>('/audit/integrity');
  if (report.clean) {
    out.write(`clean: ${report.events} events in ${report.streams} streams, every hash chain intact\n`);
    return 0;
  }
  out.write(`TAMPERING FOUND: ${report.problems.length} problem(s) in ${report.events} events\n`);
  for (const p of report.problems)
    out.write(`  ${p.kind.padEnd(10)} ${p.stream} revision ${p.revision}: ${p.detail}\n`);
  return 1;
}
