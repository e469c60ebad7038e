import { describe, expect, it } from '@jest/globals';
import { EventLog, defaultProjectionContext, specHarness } from '../testing/projection-spec.js';
import type { StoredEvent } from '../../libs/event-store/index.js';
import { trackerExportProjection } from './tracker-export.projection.js';

const harness = specHarness();

/** `hours` after 2026-01-01T00:00Z, as the database returns it. */
function h(hours: number): string {
  return new Date(Date.UTC(2026, 0, 1) + hours * 3_600_000).toISOString().replace('.000Z', '+00:00');
}

function registered(log: EventLog, patientId: string, profile: Record<string, unknown> = {}) {
  return log.event(
    'PatientRegistered',
    { patientId, firstName: 'Ada', lastName: 'L', ...profile },
    { streamId: `patient-${patientId}` },
  );
}

function updated(log: EventLog, patientId: string, profile: Record<string, unknown>) {
  return log.event('PatientProfileUpdated', { patientId, ...profile }, { streamId: `patient-${patientId}` });
}

/** A log `hours` after 2026-01-01T00:00Z. */
function logged(
  log: EventLog,
  patientId: string,
  logId: string,
  symptomId: string,
  severity: number,
  hours: number,
  extra: Record<string, unknown> = {},
) {
  const loggedAt = h(hours);
  return log.event(
    'SymptomLogged',
    { patientId, symptomId, severity, loggedAt, logId, reporterType: 'self', ...extra },
    {
      streamId: `tracker-${patientId}`,
      occurredAt: loggedAt,
    },
  );
}

const row = {
  user_id: 'p1',
  current_stage: null,
  last_updated: null,
  triage_level: 'green',
  age_group: null,
  sport_type: null,
  team_id: null,
  incident_context: null,
  reporter_type: null,
};

async function project(events: StoredEvent[], batchSize?: number, context = defaultProjectionContext()) {
  const t = await harness.fresh(trackerExportProjection, context);
  await t.apply(events, batchSize);
  return t.rows('tracker_export', 'user_id');
}

describe('tracker_export projection', () => {
  describe('profile', () => {
    it('gives a registered person without logs a row: no stage, green, their profile', async () => {
      const log = new EventLog();
      expect(
        await project([registered(log, 'p1', { ageGroup: 'U18', sportType: 'rugby', teamId: 't1', position: 'wing' })]),
      ).toEqual([{ ...row, age_group: 'U18', sport_type: 'rugby', team_id: 't1' }]);
    });

    it('changes only the profile fields an update carries', async () => {
      const log = new EventLog();
      const events = [
        registered(log, 'p1', { ageGroup: 'U18', sportType: 'rugby', teamId: 't1' }),
        updated(log, 'p1', { teamId: 't2', firstName: 'Ann' }),
      ];
      expect(await project(events)).toEqual([{ ...row, age_group: 'U18', sport_type: 'rugby', team_id: 't2' }]);
    });

    it('keeps the tracker columns when the profile changes after logs', async () => {
      const log = new EventLog();
      const events = [
        registered(log, 'p1'),
        logged(log, 'p1', 'l1', 'neck_pain', 2, 0, { incidentContext: 'game' }),
        updated(log, 'p1', { sportType: 'soccer' }),
      ];
      expect(await project(events, 1)).toEqual([
        {
          ...row,
          sport_type: 'soccer',
          current_stage: 'symptom_limited_activity',
          last_updated: h(0),
          triage_level: 'red_flag',
          incident_context: 'game',
          reporter_type: 'self',
        },
      ]);
    });
  });

  describe('latest log', () => {
    it('puts the first log at the first stage, with its time, reporter and context', async () => {
      const log = new EventLog();
      const events = [
        registered(log, 'p1'),
        logged(log, 'p1', 'l1', 'headache', 2, 5, { reporterType: 'coach', incidentContext: 'practice' }),
      ];
      expect(await project(events)).toEqual([
        {
          ...row,
          current_stage: 'symptom_limited_activity',
          last_updated: h(5),
          triage_level: 'green',
          incident_context: 'practice',
          reporter_type: 'coach',
        },
      ]);
    });

    it('takes reporter and context from the latest log by loggedAt, even without a context', async () => {
      const log = new EventLog();
      const events = [
        registered(log, 'p1'),
        logged(log, 'p1', 'l1', 'headache', 0, 10, { reporterType: 'clinician' }),
        logged(log, 'p1', 'l2', 'headache', 0, 2, { reporterType: 'parent', incidentContext: 'game' }),
      ];
      expect(await project(events)).toEqual([
        {
          ...row,
          current_stage: 'symptom_limited_activity',
          last_updated: h(10),
          reporter_type: 'clinician',
          incident_context: null,
        },
      ]);
    });

    it('stores a loggedAt with an offset as the same instant', async () => {
      const log = new EventLog();
      const event = log.event('SymptomLogged', {
        patientId: 'p1',
        symptomId: 'headache',
        severity: 0,
        loggedAt: '2026-01-01T10:00:00+02:00',
        logId: 'l1',
        reporterType: 'self',
      });
      expect((await project([event]))[0]?.['last_updated']).toBe('2026-01-01T08:00:00+00:00');
    });

    it('gives a person who logs without a registration a row with no profile', async () => {
      const log = new EventLog();
      expect(await project([logged(log, 'p9', 'l1', 'dizziness', 1, 0)])).toEqual([
        { ...row, user_id: 'p9', current_stage: 'symptom_limited_activity', last_updated: h(0), reporter_type: 'self' },
      ]);
    });
  });

  describe('triage', () => {
    async function triage(logs: [symptomId: string, severity: number, hours: number][]) {
      const log = new EventLog();
      const rows = await project(
        logs.map(([symptom, severity, hours], i) => logged(log, 'p1', `l${i}`, symptom, severity, hours)),
      );
      return rows[0]?.['triage_level'];
    }

    it('counts an amber symptom below its min_severity as green, at it as amber', async () => {
      expect(await triage([['headache', 2, 0]])).toBe('green');
      expect(await triage([['headache', 3, 0]])).toBe('amber');
    });

    it('counts a red flag at any severity above 0, and nothing at 0', async () => {
      expect(await triage([['neck_pain', 1, 0]])).toBe('red_flag');
      expect(await triage([['neck_pain', 0, 0]])).toBe('green');
    });

    it('takes the highest level in the window', async () => {
      expect(
        await triage([
          ['headache', 6, 0],
          ['seizure', 1, 1],
          ['dizziness', 4, 2],
        ]),
      ).toBe('red_flag');
    });

    it('looks only at the 24 hours ending at the latest log, both ends included', async () => {
      expect(
        await triage([
          ['neck_pain', 3, 0],
          ['headache', 4, 24],
        ]),
      ).toBe('red_flag');
      expect(
        await triage([
          ['neck_pain', 3, 0],
          ['headache', 4, 24.01],
        ]),
      ).toBe('amber');
      expect(
        await triage([
          ['neck_pain', 3, 0],
          ['headache', 1, 30],
        ]),
      ).toBe('green');
    });

    it('measures the window from the latest loggedAt, not from the last log received', async () => {
      // the red flag arrives last but is backdated: the window ends at 40 h, and 10 h is outside
      expect(
        await triage([
          ['headache', 0, 40],
          ['neck_pain', 3, 10],
        ]),
      ).toBe('green');
    });

    it('follows the configured map and window; a symptom the map no longer lists is green', async () => {
      const context = defaultProjectionContext();
      const custom = {
        ...context,
        triageMap: { windowHours: 2, symptoms: { headache: { level: 'red_flag' as const } } },
      };
      const log = new EventLog();
      const events = [
        logged(log, 'p1', 'l1', 'headache', 1, 0),
        logged(log, 'p1', 'l2', 'neck_pain', 5, 1.5),
        logged(log, 'p2', 'l3', 'headache', 2, 0),
        logged(log, 'p2', 'l4', 'headache', 0, 2.5),
      ];
      expect((await project(events, undefined, custom)).map((r) => [r['user_id'], r['triage_level']])).toEqual([
        ['p1', 'red_flag'],
        ['p2', 'green'],
      ]);
    });
  });

  describe('stages', () => {
    it('advances one stage per symptom-free log after 24 hours, across batches', async () => {
      const log = new EventLog();
      const t = await harness.fresh(trackerExportProjection);
      await t.apply([registered(log, 'p1'), logged(log, 'p1', 'l1', 'headache', 4, 0)]);
      await t.apply([logged(log, 'p1', 'l2', 'headache', 1, 23.5)]);
      expect((await t.rows('tracker_export', 'user_id'))[0]?.['current_stage']).toBe('symptom_limited_activity');
      await t.apply([logged(log, 'p1', 'l3', 'headache', 0, 24)]);
      expect((await t.rows('tracker_export', 'user_id'))[0]?.['current_stage']).toBe('light_aerobic_exercise');
      await t.apply([logged(log, 'p1', 'l4', 'headache', 0, 48)]);
      expect((await t.rows('tracker_export', 'user_id'))[0]?.['current_stage']).toBe('sport_specific_exercise');
    });

    it('moves back one stage at severity 3 or more', async () => {
      const log = new EventLog();
      const events = [0, 24, 48].map((hours, i) => logged(log, 'p1', `l${i}`, 'headache', 0, hours));
      events.push(logged(log, 'p1', 'l9', 'headache', 3, 50));
      expect((await project(events))[0]).toEqual({
        ...row,
        current_stage: 'light_aerobic_exercise',
        last_updated: h(50),
        triage_level: 'amber',
        reporter_type: 'self',
      });
    });

    it('recomputes the stage when a backdated symptomatic log arrives', async () => {
      const log = new EventLog();
      const t = await harness.fresh(trackerExportProjection);
      await t.apply([
        logged(log, 'p1', 'l1', 'headache', 0, 0, { incidentContext: 'game' }),
        logged(log, 'p1', 'l2', 'headache', 0, 48, { incidentContext: 'practice' }),
      ]);
      expect((await t.rows('tracker_export', 'user_id'))[0]?.['current_stage']).toBe('light_aerobic_exercise');
      // at 30 h the person was at stage 1: they re-enter it, and 48 h is only 18 h later
      await t.apply([logged(log, 'p1', 'l3', 'headache', 4, 30, { reporterType: 'coach', incidentContext: 'other' })]);
      expect(await t.rows('tracker_export', 'user_id')).toEqual([
        {
          ...row,
          current_stage: 'symptom_limited_activity',
          last_updated: h(48),
          triage_level: 'amber',
          incident_context: 'practice',
          reporter_type: 'self',
        },
      ]);
    });

    it('orders logs with the same loggedAt as the log does, across batches', async () => {
      const advanceThenRegress = new EventLog();
      const a = [
        logged(advanceThenRegress, 'p1', 'l1', 'headache', 0, 0),
        logged(advanceThenRegress, 'p1', 'l2', 'headache', 0, 24),
        logged(advanceThenRegress, 'p1', 'l3', 'headache', 3, 24, { reporterType: 'coach' }),
      ];
      expect((await project(a, 1)).map((r) => [r['current_stage'], r['reporter_type']])).toEqual([
        ['symptom_limited_activity', 'coach'],
      ]);
      const regressThenFree = new EventLog();
      const b = [
        logged(regressThenFree, 'p1', 'l1', 'headache', 0, 0),
        logged(regressThenFree, 'p1', 'l3', 'headache', 3, 24, { reporterType: 'coach' }),
        logged(regressThenFree, 'p1', 'l2', 'headache', 0, 24),
      ];
      expect((await project(b, 1)).map((r) => [r['current_stage'], r['reporter_type']])).toEqual([
        ['symptom_limited_activity', 'self'],
      ]);
    });

    it('uses the configured stages and thresholds', async () => {
      const context = {
        ...defaultProjectionContext(),
        stages: { stages: ['rest', 'play'], minHoursPerStage: 1, symptomFreeMaxSeverity: 2, regressAtSeverity: 5 },
      };
      const log = new EventLog();
      const events = [
        logged(log, 'p1', 'l1', 'headache', 4, 0),
        logged(log, 'p1', 'l2', 'headache', 2, 1),
        logged(log, 'p1', 'l3', 'headache', 2, 5),
      ];
      expect((await project(events, undefined, context))[0]?.['current_stage']).toBe('play');
    });

    it('counts a log id another person used as well (log ids are unique per person only)', async () => {
      const log = new EventLog();
      const rows = await project([logged(log, 'p1', 'x', 'headache', 2, 0), logged(log, 'p2', 'x', 'neck_pain', 1, 3)]);
      expect(rows).toEqual([
        { ...row, current_stage: 'symptom_limited_activity', last_updated: h(0), reporter_type: 'self' },
        {
          ...row,
          user_id: 'p2',
          current_stage: 'symptom_limited_activity',
          last_updated: h(3),
          triage_level: 'red_flag',
          reporter_type: 'self',
        },
      ]);
    });

    it('keeps only a small progress row per person, not the logs', async () => {
      const log = new EventLog();
      const t = await harness.fresh(trackerExportProjection);
      await t.apply([0, 30, 60].map((hours, i) => logged(log, 'p1', `l${i}`, 'headache', 0, hours)));
      expect(await t.rows('tracker_export_progress', 'user_id')).toEqual([
        {
          user_id: 'p1',
          stage: 2,
          entered_ms: Date.parse(h(60)),
          last_symptomatic_ms: null,
          latest_ms: Date.parse(h(60)),
          amber_ms: null,
          red_ms: null,
        },
      ]);
    });
  });

  it('gives the same rows in batches of one, of three, and in one batch', async () => {
    const log = new EventLog();
    const events = [
      registered(log, 'p1', { ageGroup: 'U15', teamId: 't1' }),
      registered(log, 'p2', { sportType: 'hockey' }),
      registered(log, 'p3'),
      logged(log, 'p1', 'a1', 'headache', 5, 0, { incidentContext: 'game' }),
      logged(log, 'p2', 'b1', 'neck_pain', 2, 1),
      logged(log, 'p1', 'a2', 'headache', 1, 26),
      updated(log, 'p2', { teamId: 't9' }),
      logged(log, 'p1', 'a3', 'dizziness', 0, 52, { reporterType: 'clinician' }),
      logged(log, 'p2', 'b2', 'headache', 0, 30),
      logged(log, 'p1', 'a4', 'confusion', 3, 41), // back to stage 1; 24 h before the latest log: in the window
      logged(log, 'p1', 'a5', 'headache', 0, 65),
      updated(log, 'p1', { ageGroup: 'U16' }),
      logged(log, 'p2', 'b3', 'headache', 0, 2),
    ];
    const whole = await project(events);
    expect(whole).toEqual([
      {
        user_id: 'p1',
        current_stage: 'light_aerobic_exercise',
        last_updated: h(65),
        triage_level: 'amber',
        age_group: 'U16',
        sport_type: null,
        team_id: 't1',
        incident_context: null,
        reporter_type: 'self',
      },
      {
        user_id: 'p2',
        current_stage: 'light_aerobic_exercise',
        last_updated: h(30),
        triage_level: 'green',
        age_group: null,
        sport_type: 'hockey',
        team_id: 't9',
        incident_context: null,
        reporter_type: 'self',
      },
      { ...row, user_id: 'p3' },
    ]);
    expect(await project(events, 1)).toEqual(whole);
    expect(await project(events, 3)).toEqual(whole);
  });
});
