// Deterministic workload for bench/projections: ~N events over realistic streams, produced the
// way the HTTP command path produces them. The generator writes *commands* (name + body, with a
// simulated server time); each is validated by the domain's zod schema and decided by the
// domain's own decider on the stream's state (compiled JS in dist/), and every decided event
// gets the command path's metadata { actor, correlationId, causationId, commandName,
// occurredAt, schemaVersion }. An invalid command or a rule the domain rejects stops the
// benchmark: the log holds only what the API would have accepted.
//
// Shape (per ~100 events, i.e. N / 100 patients): patients register over the first 8 weeks
// (most with a primary doctor), then week by week they train (sessions with KPIs), see doctors
// (consultations, some scheduled then completed / cancelled / missed), get scans with model
// predictions and reports (some failing once, then retried), and log concussion symptoms:
// the bulk, a few check-ins outside episodes and daily logs of several symptoms during 2-5-week
// episodes whose severity falls as they recover. Log order: week by week; within a week the
// events of one stream form one append (one chunk), chunks in the time order of their first
// command. The total is cut at exactly N events (the last chunk may be cut short, which still
// leaves a valid stream prefix).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const DAY = 86_400_000;
const WEEK = 7 * DAY;
const MINUTE = 60_000;
/** Monday 2026-01-05 00:00 UTC: week 0 starts here. */
export const BASE_TIME = Date.UTC(2026, 0, 5);
const REGISTRATION_WEEKS = 8;
const MAX_WEEKS = 2_000; // bound of the generator's loop (N is reached long before)
const SCHEMA_VERSION = 1; // EVENT_SCHEMA_VERSION of the command handler

const FIRST = [
  'Ada',
  'Ben',
  'Chloe',
  'Dan',
  'Eva',
  'Femi',
  'Gus',
  'Hana',
  'Ivo',
  'Jana',
  'Kofi',
  'Lea',
  'Mo',
  'Nia',
  'Oli',
  'Pia',
  'Quinn',
  'Rui',
  'Sara',
  'Tom',
];
const LAST = [
  'Okafor',
  'Schmidt',
  'Rossi',
  'Novak',
  'Silva',
  'Kowalski',
  'Haddad',
  'Jensen',
  'Moreau',
  'Tanaka',
  'Murphy',
  'Costa',
  'Ivanova',
  'Nguyen',
  'Berg',
];
const SPORTS = ['football', 'rugby', 'ice_hockey', 'basketball', 'handball', 'lacrosse'];
const POSITIONS = ['forward', 'midfielder', 'defender', 'goalkeeper', 'winger', 'centre'];
const SPECIALIZATIONS = ['sports_medicine', 'neurology', 'radiology', 'physiotherapy', 'orthopedics'];
const COMPLAINTS = [
  'headache after impact',
  'dizziness at training',
  'follow-up of concussion',
  'neck stiffness',
  'pre-season check',
  'sleep problems',
];
const DIAGNOSES = [
  'mild traumatic brain injury',
  'post-concussion syndrome',
  'cervical strain',
  'no abnormality found',
  'migraine',
];
const REPORT_TYPES = ['concussion_summary', 'mri_analysis', 'return_to_play_clearance', 'season_review'];
const WEATHER = ['clear', 'rain', 'wind', 'indoor'];

/**
 * mulberry32: small, fast, deterministic.
 * @param {number} seed
 */
export function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const r = {
    next,
    int: (/** @type {number} */ lo, /** @type {number} */ hi) => lo + Math.floor(next() * (hi - lo + 1)), // inclusive
    /** @template T @param {readonly T[]} list @returns {T} */
    pick: (list) => /** @type {T} */ (list[Math.floor(next() * list.length)]),
    chance: (/** @type {number} */ p) => next() < p,
    hex: (/** @type {number} */ n) => {
      let s = '';
      while (s.length < n)
        s += Math.floor(next() * 4294967296)
          .toString(16)
          .padStart(8, '0');
      return s.slice(0, n);
    },
    uuid: () => {
      const h = r.hex(32).split('');
      h[12] = '4';
      h[16] = /** @type {string} */ ('89ab'[parseInt(/** @type {string} */ (h[16]), 16) & 3]);
      const s = h.join('');
      return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
    },
    poisson: (/** @type {number} */ mean) => {
      const l = Math.exp(-mean);
      let k = 0;
      let p = next();
      while (p > l && k < 50) {
        k += 1;
        p *= next();
      }
      return k;
    },
  };
  return r;
}

const iso = (/** @type {number} */ ms) => new Date(ms).toISOString();
const isoDate = (/** @type {number} */ ms) => iso(ms).slice(0, 10);
const pad = (/** @type {number} */ n, /** @type {number} */ w) => String(n).padStart(w, '0');
const round2 = (/** @type {number} */ n) => Math.round(n * 100) / 100;

/**
 * @typedef {{ type: string, data: Record<string, unknown> }} DecidedEvent
 * @typedef {{
 *   schema: { safeParse: (body: unknown) => { success: true, data: Record<string, unknown> } | { success: false, error: { message: string } } },
 *   streamId: (command: Record<string, unknown>) => string,
 *   requires?: (command: Record<string, unknown>) => { fact: string, streamId: string }[],
 *   decider: { initialState: () => unknown, decide: (command: { type: string, data: Record<string, unknown> }, state: unknown, context: object) => DecidedEvent[], evolve: (state: unknown, event: DecidedEvent) => unknown },
 *   occurredAt: (event: DecidedEvent, now: Date) => Date,
 * }} CommandDefinition the part of libs/domain/commands.ts's registry entries the generator uses
 * @typedef {{ commandRegistry: Record<string, CommandDefinition>, triageMap: { symptoms: Record<string, { level: string }> }, isKnownSymptom: (symptomId: string) => boolean }} Domain
 */

/**
 * Loads the domain (compiled) once: the command registry and the triage map's symptom keys.
 * @param {string} root
 * @returns {Promise<Domain>}
 */
export async function loadDomain(root) {
  const url = (/** @type {string} */ p) => pathToFileURL(join(root, p)).href;
  const { commandRegistry } = await import(url('dist/libs/domain/commands.js'));
  const { parseTriageMap, symptomCatalog } = await import(url('dist/libs/domain/tracker/tracker-config.js'));
  const { readFile } = await import('node:fs/promises');
  const triageMap = parseTriageMap(await readFile(join(root, 'projections/config/triage_map.yaml'), 'utf8'));
  return { commandRegistry, triageMap, isKnownSymptom: symptomCatalog(triageMap) };
}

/**
 * Runs commands through the domain (schema + decider) the way ExecuteCommandHandler does,
 * keeping each stream's state in memory (evolved incrementally, not re-folded).
 * @param {Domain} domain @param {ReturnType<typeof prng>} rng
 */
function domainExecutor(domain, rng) {
  const { commandRegistry, isKnownSymptom } = domain;
  /** @type {Map<string, unknown>} */
  const states = new Map(); // streamId -> decider state
  /** @type {Map<string, bigint>} */
  const revisions = new Map(); // streamId -> revision of its last event
  const actor = { id: 'bench-projections-service', role: 'service' };
  return {
    revisions,
    /** @param {string} name @param {Record<string, unknown>} body @param {number} nowMs */
    execute(name, body, nowMs) {
      const def = /** @type {CommandDefinition} */ (commandRegistry[name]);
      const parsed = def.schema.safeParse(body);
      if (!parsed.success)
        throw new Error(`generator bug: ${name} ${JSON.stringify(body)} is invalid: ${parsed.error.message}`);
      const command = parsed.data;
      const streamId = def.streamId(command);
      /** @type {Record<string, boolean>} */
      const facts = {};
      for (const r of def.requires?.(command) ?? []) facts[r.fact] = states.has(r.streamId);
      const now = new Date(nowMs);
      const context = { now, generatedId: rng.uuid(), isKnownSymptom, ...facts };
      const state = states.get(streamId) ?? def.decider.initialState();
      let decided;
      try {
        decided = def.decider.decide({ type: name, data: command }, state, context);
      } catch (error) {
        throw new Error(
          `generator bug: the domain rejected ${name} ${JSON.stringify(body)}: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        );
      }
      states.set(streamId, decided.reduce(def.decider.evolve, state));
      const commandId = rng.uuid();
      return {
        streamId,
        events: decided.map((e) => ({
          id: rng.uuid(),
          type: e.type,
          data: { ...e.data },
          metadata: {
            actor,
            correlationId: commandId,
            causationId: commandId,
            commandName: name,
            occurredAt: def.occurredAt(e, now).toISOString(),
            schemaVersion: SCHEMA_VERSION,
          },
        })),
      };
    },
  };
}

/**
 * Sizes derived from N: ~100 events per patient, ~50 patients per doctor.
 * @param {number} n
 */
export function sizesFor(n) {
  const patients = Math.max(20, Math.round(n / 100));
  return { patients, doctors: Math.max(3, Math.round(patients / 50)) };
}

/**
 * Yields `{ streamId, expectedRevision, events }` chunks, in log order, exactly `n` events in
 * all. `counts` (optional) collects events per type.
 * @param {{ n: number, seed: number, domain: Domain, counts?: Record<string, number> }} options
 */
export function* workload({ n, seed, domain, counts = {} }) {
  const rng = prng(seed);
  const exec = domainExecutor(domain, rng);
  const { patients: patientCount, doctors: doctorCount } = sizesFor(n);
  const symptoms = Object.keys(domain.triageMap.symptoms);
  const redFlags = symptoms.filter((s) => domain.triageMap.symptoms[s]?.level === 'red_flag');
  const ordinary = symptoms.filter((s) => domain.triageMap.symptoms[s]?.level !== 'red_flag');
  const doctors = Array.from({ length: doctorCount }, (_, i) => `d${pad(i + 1, 4)}`);
  /**
   * @type {{ id: string, registerAt: number, primary: string | null, specialist: string | null, assignedEver: Set<string>,
   *   episode: { start: number, end: number, peak: number } | null, seq: Record<'c' | 's' | 'r' | 'ss' | 'l' | 'pr', number>, pending: { id: string, due: number }[] }[]}
   */
  const patients = Array.from({ length: patientCount }, (_, i) => ({
    id: `p${pad(i + 1, 6)}`,
    registerAt: BASE_TIME + Math.floor(rng.next() * REGISTRATION_WEEKS * WEEK) + 6 * 3_600_000,
    primary: null,
    specialist: null, // active specialist / consultant assignment
    assignedEver: new Set(),
    episode: null, // { start, end, peak }
    seq: { c: 0, s: 0, r: 0, ss: 0, l: 0, pr: 0 },
    pending: [], // scheduled consultations { id, due }
  }));

  /** @typedef {{ stream: string, t: number, commands: { t: number, name: string, body: Record<string, unknown> }[] }} Chunk */
  let total = 0;
  /** @param {Chunk[]} chunks */
  function* emit(chunks) {
    chunks.sort((a, b) => a.t - b.t || (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : 0));
    for (const chunk of chunks) {
      chunk.commands.sort((a, b) => a.t - b.t);
      let events = [];
      /** @type {string | null} */
      let streamId = null;
      for (const c of chunk.commands) {
        const out = exec.execute(c.name, c.body, c.t);
        if (out.streamId !== chunk.stream)
          throw new Error(`generator bug: ${c.name} went to ${out.streamId}, not ${chunk.stream}`);
        streamId = out.streamId;
        events.push(...out.events);
      }
      if (events.length === 0) continue;
      if (total + events.length > n) events = events.slice(0, n - total);
      if (streamId === null) continue; // not reached: a chunk with events has a stream
      const before = exec.revisions.get(streamId);
      const expectedRevision = before === undefined ? 'no_stream' : before;
      exec.revisions.set(streamId, (before ?? -1n) + BigInt(events.length));
      total += events.length;
      for (const e of events) counts[e.type] = (counts[e.type] ?? 0) + 1;
      yield { streamId, expectedRevision, events };
      if (total >= n) return;
    }
  }

  // Week 0 opens with the doctors.
  const doctorChunks = doctors.map((doctorId, i) => ({
    stream: `doctor-${doctorId}`,
    t: BASE_TIME + i * 1000,
    commands: [
      {
        t: BASE_TIME + i * 1000,
        name: 'RegisterDoctor',
        body: {
          doctorId,
          name: `Dr ${rng.pick(FIRST)} ${rng.pick(LAST)}`,
          specialization: rng.pick(SPECIALIZATIONS),
          email: `${doctorId}@clinic.example`,
        },
      },
    ],
  }));
  yield* emit(doctorChunks);

  for (let week = 0; week < MAX_WEEKS && total < n; week++) {
    const weekStart = BASE_TIME + week * WEEK;
    const weekEnd = weekStart + WEEK;
    /** @type {Map<string, Chunk>} */
    const chunks = new Map(); // stream -> chunk
    const add = (
      /** @type {string} */ stream,
      /** @type {number} */ t,
      /** @type {string} */ name,
      /** @type {Record<string, unknown>} */ body,
    ) => {
      let chunk = chunks.get(stream);
      if (!chunk) chunks.set(stream, (chunk = { stream, t, commands: [] }));
      chunk.t = Math.min(chunk.t, t);
      chunk.commands.push({ t, name, body });
    };
    for (const p of patients) {
      if (p.registerAt >= weekEnd) continue;
      const registering = p.registerAt >= weekStart;
      const from = registering ? p.registerAt + 10 * MINUTE : weekStart;
      const span = weekEnd - from;
      const at = () => from + Math.floor(rng.next() * span);
      const patientStream = `patient-${p.id}`;
      if (registering) {
        const born = Date.UTC(rng.int(1994, 2011), rng.int(0, 11), rng.int(1, 28));
        const age = 2026 - new Date(born).getUTCFullYear();
        add(patientStream, p.registerAt, 'RegisterPatient', {
          patientId: p.id,
          firstName: rng.pick(FIRST),
          lastName: rng.pick(LAST),
          dateOfBirth: isoDate(born),
          ageGroup: age < 18 ? 'U18' : age < 21 ? 'U21' : 'senior',
          sportType: rng.pick(SPORTS),
          teamId: `team-${pad(rng.int(1, Math.max(1, Math.round(patientCount / 25))), 4)}`,
          position: rng.pick(POSITIONS),
          jerseyNumber: rng.int(1, 99),
        });
        if (rng.chance(0.9)) {
          p.primary = rng.pick(doctors);
          p.assignedEver.add(p.primary);
          add(patientStream, p.registerAt + MINUTE, 'AssignDoctor', {
            patientId: p.id,
            doctorId: p.primary,
            assignmentType: 'primary',
            notes: 'team doctor',
          });
        }
      } else {
        if (rng.chance(0.01)) {
          const field = rng.int(0, 2);
          /** @type {Record<string, unknown>} */
          const body = { patientId: p.id };
          if (field === 0) body.teamId = `team-${pad(rng.int(1, Math.max(1, Math.round(patientCount / 25))), 4)}`;
          else if (field === 1) body.position = rng.pick(POSITIONS);
          else body.jerseyNumber = rng.int(1, 99);
          add(patientStream, at(), 'UpdatePatientProfile', body);
        }
        if (p.specialist === null && rng.chance(0.01)) {
          const candidates = doctors.filter((d) => !p.assignedEver.has(d));
          if (candidates.length > 0) {
            p.specialist = rng.pick(candidates);
            p.assignedEver.add(p.specialist);
            add(patientStream, at(), 'AssignDoctor', {
              patientId: p.id,
              doctorId: p.specialist,
              assignmentType: rng.chance(0.7) ? 'specialist' : 'consultant',
              notes: 'referred after symptom review',
            });
          }
        } else if (p.specialist !== null && rng.chance(0.03)) {
          // after any assignment of this week (the chunk is sorted by time): end of the week
          add(patientStream, weekEnd - MINUTE, 'EndDoctorAssignment', {
            patientId: p.id,
            doctorId: p.specialist,
            reason: 'treatment finished',
          });
          p.specialist = null;
        }
      }

      // Scheduled consultations that fall due this week.
      p.pending = p.pending.filter((c) => {
        if (c.due >= weekEnd) return true;
        const roll = rng.next();
        add(`consultation-${c.id}`, Math.max(c.due, from), 'ChangeConsultationStatus', {
          consultationId: c.id,
          status: roll < 0.75 ? 'completed' : roll < 0.9 ? 'cancelled' : 'no_show',
          ...(roll >= 0.75 ? { reason: roll < 0.9 ? 'rescheduled by the athlete' : 'did not attend' } : {}),
        });
        return false;
      });

      // Consultations.
      if (rng.chance(0.06)) {
        const id = `c-${p.id}-${++p.seq.c}`;
        const roll = rng.next();
        const doctorId =
          roll < 0.65 && p.primary ? p.primary : roll < 0.85 && p.specialist ? p.specialist : rng.pick(doctors);
        const t = at();
        const scheduled = rng.chance(0.25);
        /** @type {Record<string, unknown>} */
        const body = {
          consultationId: id,
          patientId: p.id,
          doctorId,
          consultationType: rng.pick(['in_person', 'in_person', 'telemedicine', 'follow_up', 'emergency']),
          chiefComplaint: rng.pick(COMPLAINTS),
        };
        if (scheduled) {
          const day = Math.floor(t / DAY) * DAY + rng.int(3, 12) * DAY;
          Object.assign(body, {
            consultationDate: isoDate(day),
            status: 'scheduled',
            notes: 'booked by the team physio',
          });
          p.pending.push({ id, due: day + rng.int(8, 17) * 3_600_000 });
        } else {
          Object.assign(body, {
            consultationDate: iso(t),
            diagnosis: rng.pick(DIAGNOSES),
            prescription: rng.chance(0.4) ? 'rest 48 h, paracetamol as needed' : undefined,
            durationMinutes: rng.pick([15, 20, 30, 45, 60]),
            fee: round2(rng.int(4000, 25000) / 100),
            nextVisitDate: rng.chance(0.5) ? isoDate(t + rng.int(7, 28) * DAY) : undefined,
          });
          for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
        }
        add(`consultation-${id}`, t, 'RecordConsultation', body);
      }

      // Scans with predictions.
      if (rng.chance(0.03)) {
        const scanId = `s-${p.id}-${++p.seq.s}`;
        const t = at();
        const stream = `scan-${scanId}`;
        /** @type {Record<string, unknown>} */
        const upload = {
          scanId,
          patientId: p.id,
          modality: rng.pick(['MRI', 'MRI', 'MRI', 'CT']),
          bodyRegion: 'brain',
          fileUri: `s3://caretrack-scans/${p.id}/${scanId}.dcm`,
          sha256: rng.hex(64),
          sizeBytes: rng.int(20_000_000, 400_000_000),
          takenAt: iso(t - rng.int(10, 120) * MINUTE),
        };
        if (p.primary && rng.chance(0.8)) upload.doctorId = p.primary;
        add(stream, t, 'UploadScan', upload);
        const predictions = rng.chance(0.8) ? 1 : 2;
        for (let i = 0; i < predictions; i++) {
          const roll = rng.next();
          const result = roll < 0.6 ? 'negative' : roll < 0.75 ? 'inconclusive' : 'positive';
          /** @type {Record<string, unknown>} */
          const body = {
            scanId,
            predictionId: `pr-${p.id}-${++p.seq.pr}`,
            result,
            confidence: round2(0.5 + rng.next() * 0.49),
            modelVersion: i === 0 ? 'mri-net-2.3.1' : 'mri-net-2.4.0',
          };
          if (result === 'positive' || rng.chance(0.2)) body.stage = rng.int(0, 5);
          add(stream, t + (i + 1) * 3 * MINUTE, 'RecordPrediction', body);
        }
      }

      // Reports: request, generation (some fail once and are retried).
      if (rng.chance(0.02)) {
        const reportId = `r-${p.id}-${++p.seq.r}`;
        const stream = `report-${reportId}`;
        let t = at();
        add(stream, t, 'RequestReport', {
          reportId,
          patientId: p.id,
          reportType: rng.pick(REPORT_TYPES),
          priority: rng.int(1, 5),
        });
        if (rng.chance(0.95)) {
          add(stream, (t += 2 * MINUTE), 'StartReportGeneration', { reportId });
          if (rng.chance(0.12)) {
            add(stream, (t += 4 * MINUTE), 'FailReport', { reportId, errorMessage: 'renderer timed out' });
            add(stream, (t += 30 * MINUTE), 'StartReportGeneration', { reportId });
          }
          add(stream, t + 5 * MINUTE, 'CompleteReport', {
            reportId,
            reportUri: `s3://caretrack-reports/${p.id}/${reportId}.pdf`,
          });
        }
      }

      // Training and match sessions with KPIs.
      const sessions = rng.poisson(0.25);
      for (let i = 0; i < sessions; i++) {
        const sessionId = `ss-${p.id}-${++p.seq.ss}`;
        const stream = `session-${sessionId}`;
        const start = at();
        const type = rng.pick(['training', 'training', 'training', 'match', 'analysis']);
        /** @type {Record<string, unknown>} */
        const body = {
          sessionId,
          playerId: p.id,
          sessionType: type,
          startTime: iso(start),
          title: type === 'match' ? 'League match' : type === 'analysis' ? 'Video analysis' : 'Team training',
          metadata: { venue: `pitch-${rng.int(1, 6)}`, weather: rng.pick(WEATHER), cameras: rng.int(1, 4) },
        };
        if (rng.chance(0.5)) body.videoPath = `s3://caretrack-video/${sessionId}.mp4`;
        add(stream, start, 'StartSession', body);
        const end = start + rng.int(45, 120) * MINUTE;
        if (rng.chance(0.95)) {
          const distance = rng.int(3000, 11000);
          add(stream, end, 'CompleteSession', {
            sessionId,
            endTime: iso(end),
            kpis: {
              max_speed_kmh: round2(24 + rng.next() * 10),
              avg_speed_kmh: round2(5 + rng.next() * 4),
              speed_zones: {
                walk: rng.int(600, 2400),
                jog: rng.int(300, 1800),
                run: rng.int(100, 900),
                sprint: rng.int(10, 200),
              },
              total_distance_m: distance,
              high_intensity_distance_m: Math.round(distance * (0.05 + rng.next() * 0.1)),
              sprint_distance_m: Math.round(distance * (0.01 + rng.next() * 0.04)),
              touches: rng.int(10, 120),
              passes: rng.int(5, 80),
              pass_accuracy: round2(60 + rng.next() * 35),
              shots: rng.int(0, 6),
              accelerations: rng.int(10, 80),
              decelerations: rng.int(10, 80),
              max_acceleration: round2(2 + rng.next() * 3),
              jumps: rng.int(0, 40),
              training_load: round2(200 + rng.next() * 600),
              player_load: round2(300 + rng.next() * 700),
              intensity_score: round2(rng.next() * 10),
            },
          });
        } else {
          add(stream, end, 'FailSession', { sessionId, reason: 'video could not be processed' });
        }
      }

      // Symptom logs: episodes of daily logs, check-ins outside them.
      const trackerStream = `tracker-${p.id}`;
      const log = (/** @type {number} */ t, /** @type {string} */ symptomId, /** @type {number} */ severity) =>
        add(trackerStream, t, 'LogSymptom', {
          patientId: p.id,
          symptomId,
          severity,
          loggedAt: iso(t),
          reporterType: rng.pick(['self', 'self', 'self', 'coach', 'clinician', 'parent']),
          incidentContext: rng.pick(['practice', 'game', 'training', 'other']),
          logId: `l-${p.id}-${++p.seq.l}`,
        });
      if (p.episode === null && rng.chance(0.027)) {
        const start = at();
        p.episode = { start, end: start + rng.int(14, 35) * DAY, peak: rng.int(3, 6) };
      }
      if (p.episode) {
        const e = p.episode;
        for (let day = Math.max(from, Math.floor(e.start / DAY) * DAY); day < Math.min(weekEnd, e.end); day += DAY) {
          const progress = (day - e.start) / (e.end - e.start);
          const logs = rng.int(1, 4);
          const base = day + rng.int(7, 21) * 3_600_000;
          for (let i = 0; i < logs; i++) {
            const t = Math.max(from, base + i * rng.int(1, 20) * MINUTE);
            const severity = Math.max(0, Math.min(6, Math.round(e.peak * (1 - progress) + (rng.next() - 0.5) * 2)));
            log(t, rng.chance(0.02) ? rng.pick(redFlags) : rng.pick(ordinary), severity);
          }
        }
        if (e.end < weekEnd) p.episode = null;
      } else if (rng.chance(0.4)) {
        log(at(), rng.pick(ordinary), rng.chance(0.85) ? rng.int(0, 1) : 2);
      }
    }
    yield* emit([...chunks.values()]);
  }
  if (total < n) throw new Error(`generator bug: only ${total} of ${n} events after ${MAX_WEEKS} weeks`);
}
