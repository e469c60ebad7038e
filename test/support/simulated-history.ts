import { randomUUID } from 'node:crypto';
import { commandRegistry, type CommandName } from '../../libs/domain/commands.js';
import type { DomainEvent } from '../../libs/domain/shared/decider.js';
import type { EventStore, EventToAppend } from '../../libs/event-store/index.js';

const symptoms = [
  'headache',
  'dizziness',
  'nausea_or_vomiting',
  'neck_pain',
  'fatigue_or_low_energy',
  'balance_problems',
];

/** A small deterministic PRNG (mulberry32), so a history can be regenerated exactly. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Runs a realistic history through the real deciders in memory (no HTTP) and appends the
 * events: doctors, patients, assignments, consultations (some scheduled then changed), scans
 * and predictions, report pipelines, symptom logs over days, sessions; with `eraseEvery: n`,
 * every n-th patient is erased (ErasePatient) after their history, and logs one more symptom
 * afterwards (no personal data: still accepted). The events are plaintext: read them through
 * `plaintextOpener()`, which reads an erased patient's events as erased. Returns the count.
 */
export async function appendSimulatedHistory(
  store: EventStore,
  options: { patients: number; logsPerPatient: number; seed?: number; eraseEvery?: number },
): Promise<number> {
  const random = prng(options.seed ?? 42);
  const streams = new Map<string, DomainEvent[]>();
  const pending = new Map<string, EventToAppend[]>();
  const base = Date.UTC(2026, 0, 1);
  let clock = Date.UTC(2027, 0, 1); // the simulated server time: after every business time below
  let count = 0;

  const run = (name: CommandName, body: object) => {
    const prepared = commandRegistry[name].prepare(body);
    const facts = Object.fromEntries(
      prepared.requires.map((r) => [r.fact, (streams.get(r.streamId)?.length ?? 0) > 0]),
    );
    const now = new Date((clock += 60_000));
    const decided = prepared.decide(streams.get(prepared.streamId) ?? [], {
      now,
      generatedId: randomUUID(),
      isKnownSymptom: (id) => symptoms.includes(id),
      ...facts,
    });
    streams.set(prepared.streamId, [...(streams.get(prepared.streamId) ?? []), ...decided]);
    const list = pending.get(prepared.streamId) ?? [];
    for (const e of decided) {
      list.push({
        id: randomUUID(),
        type: e.type,
        data: { ...e.data },
        metadata: {
          actor: { id: 'sim000000000', role: 'service' },
          correlationId: randomUUID(),
          causationId: randomUUID(),
          commandName: name,
          occurredAt: e.occurredAt.toISOString(),
          schemaVersion: 1,
        },
      });
      count++;
    }
    pending.set(prepared.streamId, list);
  };
  const day = (d: number) => new Date(base + d * 86_400_000).toISOString().slice(0, 10);
  const at = (hours: number) => new Date(base + hours * 3_600_000).toISOString();

  for (let d = 0; d < 5; d++)
    run('RegisterDoctor', { doctorId: `d${d}`, name: `Dr ${d}`, specialization: 'neurology' });
  for (let i = 0; i < options.patients; i++) {
    const p = `p${i}`;
    const doctor = `d${i % 5}`;
    run('RegisterPatient', {
      patientId: p,
      firstName: `First${i}`,
      lastName: `Last${i}`,
      ageGroup: i % 2 ? 'U18' : 'Senior',
      sportType: 'football',
      teamId: `t${i % 3}`,
    });
    run('AssignDoctor', { patientId: p, doctorId: doctor, assignmentType: 'primary' });
    run('RecordConsultation', {
      consultationId: `c${i}`,
      patientId: p,
      doctorId: doctor,
      consultationType: 'in_person',
      consultationDate: day(i % 20),
      fee: 50.5,
    });
    run('RecordConsultation', {
      consultationId: `cs${i}`,
      patientId: p,
      doctorId: `d${(i + 1) % 5}`,
      consultationType: 'follow_up',
      consultationDate: day(30 + (i % 5)),
      status: 'scheduled',
    });
    run('ChangeConsultationStatus', { consultationId: `cs${i}`, status: random() < 0.5 ? 'completed' : 'cancelled' });
    run('UploadScan', {
      scanId: `s${i}`,
      patientId: p,
      fileUri: `s3://scans/${i}.nii`,
      sha256: 'a'.repeat(64),
      sizeBytes: 1000 + i,
    });
    const positive = random() < 0.4;
    run('RecordPrediction', {
      scanId: `s${i}`,
      predictionId: `pr${i}`,
      result: positive ? 'positive' : 'negative',
      ...(positive ? { stage: i % 6 } : {}),
      confidence: 0.9,
      modelVersion: 'm1',
    });
    run('RequestReport', { reportId: `r${i}`, patientId: p, reportType: 'summary' });
    run('StartReportGeneration', { reportId: `r${i}` });
    if (random() < 0.3) {
      run('FailReport', { reportId: `r${i}`, errorMessage: 'renderer down' });
      run('StartReportGeneration', { reportId: `r${i}` });
    }
    run('CompleteReport', { reportId: `r${i}`, reportUri: `s3://reports/${i}.pdf` });
    for (let l = 0; l < options.logsPerPatient; l++) {
      const hours = l * (6 + Math.floor(random() * 30));
      run('LogSymptom', {
        patientId: p,
        symptomId: symptoms[Math.floor(random() * symptoms.length)],
        severity: Math.floor(random() * 7),
        loggedAt: at(hours),
        logId: `l${i}-${l}`,
      });
    }
    run('StartSession', { sessionId: `se${i}`, playerId: p, sessionType: 'training', startTime: at(i) });
    run('CompleteSession', {
      sessionId: `se${i}`,
      endTime: at(i + 1.5),
      kpis: { max_speed_kmh: 20 + (i % 10), passes: 30 + i, pass_accuracy: 80 },
    });
    if (options.eraseEvery && i % options.eraseEvery === 1) {
      run('ErasePatient', { patientId: p, reason: `request ${i}` });
      run('LogSymptom', {
        patientId: p,
        symptomId: 'headache',
        severity: 1,
        loggedAt: at(24 * 60),
        logId: `l${i}-after`,
      });
    }
  }
  // Interleave streams like live traffic: append in rounds of a few events per stream.
  const queues = [...pending.entries()];
  while (queues.some(([, q]) => q.length)) {
    for (const [stream, queue] of queues) {
      if (queue.length) await store.appendToStream(stream, queue.splice(0, 1 + Math.floor(random() * 3)));
    }
  }
  return count;
}
