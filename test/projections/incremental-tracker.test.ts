/**
 * Property: the incremental tracker (tracker_export) and the timeline's stage_changed rows give
 * exactly the rows of a full recompute from all of a person's logs, for random long histories
 * with backdated logs and logs at the same instant spread through them, applied in random
 * batch sizes (so state crosses batch boundaries and backdated logs re-read the history).
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { maxTriageLevel, triageLevelOf, type TriageLevel } from '../../libs/domain/tracker/tracker-config.js';
import type { StoredEvent } from '../../libs/event-store/index.js';
import type { EventData } from '../../libs/domain/events.js';
import { EventLog } from '../../libs/projection-engine/testing/event-log.js';
import {
  defaultProjectionContext,
  projectionHarness,
} from '../../libs/projection-engine/testing/projection-harness.js';
import { patientTimelineProjection } from '../../projections/patient-timeline/patient-timeline.projection.js';
import { stageChangedRows } from '../../projections/patient-timeline/stage-rows.js';
import { computeStageHistory } from '../../projections/tracker-export/stage-machine.js';
import { trackerExportProjection } from '../../projections/tracker-export/tracker-export.projection.js';

const harness = projectionHarness();
afterAll(() => harness.close());
const context = defaultProjectionContext();
const HOUR = 3_600_000;
const SYMPTOMS = ['headache', 'dizziness', 'neck_pain', 'fatigue_or_low_energy', 'seizure', 'not_in_the_map'];

/** mulberry32: a seeded PRNG, so a failing history can be replayed from its seed. */
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

type Log = {
  person: string;
  event: StoredEvent;
  logId: string;
  symptomId: string;
  severity: number;
  loggedAt: string;
  reporterType: EventData<'SymptomLogged'>['reporterType'];
  incidentContext: EventData<'SymptomLogged'>['incidentContext'] | null;
};

function history(seed: number): { events: StoredEvent[]; logs: Log[] } {
  const random = prng(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const log = new EventLog();
  const people = Array.from({ length: 1 + Math.floor(random() * 3) }, (_, i) => `p${i}`);
  const events: StoredEvent[] = [];
  const logs: Log[] = [];
  const clock = new Map(people.map((p) => [p, Date.UTC(2026, 0, 1) + Math.floor(random() * 48) * HOUR]));
  const seen = new Map<string, number[]>(people.map((p) => [p, []]));
  for (const person of people) {
    if (random() < 0.7)
      events.push(
        log.event(
          'PatientRegistered',
          { patientId: person, firstName: 'A', lastName: person, ageGroup: pick(['U15', 'U18']) },
          { streamId: `patient-${person}` },
        ),
      );
  }
  const count = 20 + Math.floor(random() * 100);
  for (let n = 0; n < count; n++) {
    const person = pick(people);
    const times = seen.get(person)!;
    const r = random();
    let at: number;
    if (times.length > 0 && r < 0.12)
      at = pick(times); // the same instant as an earlier log
    else if (times.length > 0 && r < 0.27)
      at = times[Math.floor(random() * times.length)]! - Math.floor(random() * 30) * HOUR; // backdated
    else {
      at = clock.get(person)! + Math.floor(random() * 40) * HOUR + Math.floor(random() * 60) * 60_000;
      clock.set(person, at);
    }
    times.push(at);
    // offsets vary: the same instant written differently must still count as the same instant
    const loggedAt = random() < 0.2 ? new Date(at).toISOString().replace('Z', '+00:00') : new Date(at).toISOString();
    const severity = pick([0, 0, 1, 1, 2, 3, 4, 5, 6]);
    const symptomId = pick(SYMPTOMS);
    const reporterType = pick(['self', 'coach', 'parent'] as const);
    const incidentContext = random() < 0.3 ? null : pick(['game', 'practice'] as const);
    const logId = `l${n}`;
    const event = log.event(
      'SymptomLogged',
      {
        patientId: person,
        symptomId,
        severity,
        loggedAt,
        reporterType,
        logId,
        ...(incidentContext ? { incidentContext } : {}),
      },
      { streamId: `tracker-${person}`, occurredAt: loggedAt },
    );
    events.push(event);
    logs.push({ person, event, logId, symptomId, severity, loggedAt, reporterType, incidentContext });
    if (random() < 0.05)
      events.push(
        log.event('PatientProfileUpdated', { patientId: person, teamId: `t${n}` }, { streamId: `patient-${person}` }),
      );
  }
  return { events, logs };
}

/** The oracle: stage, triage and latest log from ALL the person's logs, written independently of the projection's code where it can be. */
function expectedTracker(logs: Log[]) {
  const ordered = logs
    .map((l, order) => ({ l, order, at: Date.parse(l.loggedAt) }))
    .sort((a, b) => a.at - b.at || a.order - b.order);
  const latest = ordered.at(-1)!;
  const stages = computeStageHistory(
    logs.map((l) => ({ logId: l.logId, eventId: l.event.id, severity: l.severity, loggedAt: l.loggedAt })),
    context.stages,
  );
  const triage = ordered
    .filter(({ at }) => at >= latest.at - context.triageMap.windowHours * HOUR)
    .reduce<TriageLevel>(
      (level, { l }) => maxTriageLevel(level, triageLevelOf(context.triageMap, l.symptomId, l.severity)),
      'green',
    );
  return {
    current_stage: stages.at(-1)!.stageName,
    last_updated: new Date(latest.at).toISOString(),
    triage_level: triage,
    incident_context: latest.l.incidentContext,
    reporter_type: latest.l.reporterType,
  };
}

const instant = (value: unknown) => (value === null ? null : new Date(String(value)).toISOString());

describe('incremental tracker and timeline equal a full recompute [PGlite]', () => {
  it('for 200 random histories with backdated and same-instant logs, in random batch sizes', async () => {
    let backdated = 0;
    let sameInstant = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const { events, logs } = history(seed);
      const random = prng(seed * 7919);
      const batch = 1 + Math.floor(random() * 40);
      const tracker = await harness.fresh(trackerExportProjection, context);
      const timeline = await harness.fresh(patientTimelineProjection, context);
      // Sometimes a batch starts cold (cache dropped, as after a restart): state comes from the tables.
      for (let i = 0; i < events.length; i += batch) {
        const slice = events.slice(i, i + batch);
        const cold = random() < 0.3;
        await tracker.apply(slice, batch, { cold });
        await timeline.apply(slice, batch, { cold });
      }
      const people = [...new Set(logs.map((l) => l.person))].sort();
      const rows = await tracker.rows('tracker_export', 'user_id');
      const stageRows = (await timeline.rows('patient_timeline', 'event_id')).filter(
        (r) => r['event_type'] === 'stage_changed',
      );
      for (const person of people) {
        const mine = logs.filter((l) => l.person === person);
        const latestSoFar: number[] = [];
        for (const l of mine) {
          const at = Date.parse(l.loggedAt);
          if (latestSoFar.length && at < Math.max(...latestSoFar)) backdated++;
          if (latestSoFar.includes(at)) sameInstant++;
          latestSoFar.push(at);
        }
        const row = rows.find((r) => r['user_id'] === person)!;
        expect({ seed, person, ...row, last_updated: instant(row['last_updated']) }).toMatchObject({
          seed,
          person,
          ...expectedTracker(mine),
        });
        const expectedStages = stageChangedRows(
          person,
          mine.map((l) => ({ eventId: l.event.id, logId: l.logId, severity: l.severity, loggedAt: l.loggedAt })),
          context.stages,
        )
          .map((r) => ({ ...r, event_date: instant(r.event_date) }))
          .sort((a, b) => a.event_id.localeCompare(b.event_id));
        const actual = stageRows
          .filter((r) => r['patient_id'] === person)
          .map((r) => ({ ...r, event_date: instant(r['event_date']) }));
        expect({ seed, person, rows: actual }).toEqual({ seed, person, rows: expectedStages });
      }
    }
    // the histories did exercise both cases, many times
    expect(backdated).toBeGreaterThan(1000);
    expect(sameInstant).toBeGreaterThan(500);
  }, 600_000);
});
