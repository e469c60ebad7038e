import { describe, expect, it } from '@jest/globals';
import type { StagesConfig } from '../../libs/domain/tracker/tracker-config.js';
import { computeStageHistory } from './stage-machine.js';

const rules: StagesConfig = {
  stages: ['s1', 's2', 's3'],
  minHoursPerStage: 24,
  symptomFreeMaxSeverity: 1,
  regressAtSeverity: 3,
};

/** A log `hours` after 2026-01-01T00:00Z, with id `l<n>` / `e<n>`. */
function log(n: number, severity: number, hours: number) {
  return {
    logId: `l${n}`,
    eventId: `e${n}`,
    severity,
    loggedAt: new Date(Date.UTC(2026, 0, 1) + hours * 3_600_000).toISOString(),
  };
}
const at = (hours: number) => new Date(Date.UTC(2026, 0, 1) + hours * 3_600_000).toISOString();

/** Compact view of the history: `[stageName, logId, from]`. */
function changes(logs: Parameters<typeof computeStageHistory>[0], config = rules) {
  return computeStageHistory(logs, config).map((c) => [c.stageName, c.logId, c.from]);
}

describe('computeStageHistory', () => {
  it('gives nothing for no logs', () => {
    expect(computeStageHistory([], rules)).toEqual([]);
  });

  it('puts the first log at the first stage, whatever its severity', () => {
    expect(computeStageHistory([log(1, 6, 0)], rules)).toEqual([
      { stageIndex: 0, stageName: 's1', enteredAt: at(0), logId: 'l1', eventId: 'e1', from: null },
    ]);
    expect(changes([log(1, 0, 0)])).toEqual([['s1', 'l1', null]]);
  });

  it('advances on a symptom-free log once the minimum hours have passed since entering the stage', () => {
    expect(computeStageHistory([log(1, 0, 0), log(2, 1, 24)], rules)).toEqual([
      { stageIndex: 0, stageName: 's1', enteredAt: at(0), logId: 'l1', eventId: 'e1', from: null },
      { stageIndex: 1, stageName: 's2', enteredAt: at(24), logId: 'l2', eventId: 'e2', from: 's1' },
    ]);
  });

  it('counts exactly min_hours_per_stage as passed, one minute less as not', () => {
    expect(changes([log(1, 0, 0), log(2, 0, 24 - 1 / 60)])).toEqual([['s1', 'l1', null]]);
    expect(changes([log(1, 0, 0), log(2, 0, 24 - 1 / 60), log(3, 0, 24)])).toEqual([
      ['s1', 'l1', null],
      ['s2', 'l3', 's1'],
    ]);
  });

  it('measures the clock from the entry into the current stage, not from the first log', () => {
    expect(changes([log(1, 0, 0), log(2, 0, 24), log(3, 0, 47), log(4, 0, 48)])).toEqual([
      ['s1', 'l1', null],
      ['s2', 'l2', 's1'],
      ['s3', 'l4', 's2'],
    ]);
  });

  it('restarts the clock at a symptomatic log that does not regress (severity 2)', () => {
    expect(changes([log(1, 0, 0), log(2, 2, 10), log(3, 0, 24), log(4, 0, 33.99), log(5, 0, 34)])).toEqual([
      ['s1', 'l1', null],
      ['s2', 'l5', 's1'],
    ]);
  });

  it('restarts the clock at a symptomatic first log', () => {
    expect(changes([log(1, 2, 0), log(2, 0, 23), log(3, 0, 24)])).toEqual([
      ['s1', 'l1', null],
      ['s2', 'l3', 's1'],
    ]);
  });

  it('counts a symptomatic log from the previous stage when it is later than the entry', () => {
    // entered s2 at 24h; symptomatic at 30h while in s2 → next advance needs 54h
    expect(changes([log(1, 0, 0), log(2, 0, 24), log(3, 2, 30), log(4, 0, 48), log(5, 0, 54)])).toEqual([
      ['s1', 'l1', null],
      ['s2', 'l2', 's1'],
      ['s3', 'l5', 's2'],
    ]);
  });

  it('leaves the stage unchanged for a symptomatic log below regress_at_severity', () => {
    expect(changes([log(1, 0, 0), log(2, 0, 24), log(3, 2, 100)])).toEqual([
      ['s1', 'l1', null],
      ['s2', 'l2', 's1'],
    ]);
  });

  it('moves back one stage at severity regress_at_severity or above, entering it at that log', () => {
    expect(computeStageHistory([log(1, 0, 0), log(2, 0, 24), log(3, 0, 48), log(4, 3, 50)], rules).at(-1)).toEqual({
      stageIndex: 1,
      stageName: 's2',
      enteredAt: at(50),
      logId: 'l4',
      eventId: 'e4',
      from: 's3',
    });
    expect(changes([log(1, 0, 0), log(2, 0, 24), log(3, 6, 25)])).toEqual([
      ['s1', 'l1', null],
      ['s2', 'l2', 's1'],
      ['s1', 'l3', 's2'],
    ]);
  });

  it('after a regression needs the minimum hours again from the regressing log', () => {
    expect(changes([log(1, 0, 0), log(2, 0, 24), log(3, 4, 30), log(4, 0, 53), log(5, 1, 54)])).toEqual([
      ['s1', 'l1', null],
      ['s2', 'l2', 's1'],
      ['s1', 'l3', 's2'],
      ['s2', 'l5', 's1'],
    ]);
  });

  it('keeps a person at the first stage on a regressing log, re-entering it without a change', () => {
    expect(changes([log(1, 0, 0), log(2, 5, 20), log(3, 0, 24), log(4, 0, 43.5), log(5, 0, 44)])).toEqual([
      ['s1', 'l1', null],
      ['s2', 'l5', 's1'],
    ]);
  });

  it('with zero min_hours_per_stage, advances on the first symptom-free log even right after a regression', () => {
    const instant = { ...rules, minHoursPerStage: 0 };
    expect(changes([log(1, 0, 0), log(2, 3, 1), log(3, 0, 1)], instant)).toEqual([
      ['s1', 'l1', null],
      ['s2', 'l3', 's1'],
    ]);
  });

  it('stays at the last stage on further symptom-free logs', () => {
    expect(changes([log(1, 0, 0), log(2, 0, 24), log(3, 0, 48), log(4, 0, 72), log(5, 0, 500)])).toEqual([
      ['s1', 'l1', null],
      ['s2', 'l2', 's1'],
      ['s3', 'l3', 's2'],
    ]);
  });

  it('takes logs in loggedAt order whatever order they come in (backdated logs)', () => {
    expect(changes([log(3, 0, 48), log(1, 0, 0), log(4, 3, 50), log(2, 0, 24)])).toEqual([
      ['s1', 'l1', null],
      ['s2', 'l2', 's1'],
      ['s3', 'l3', 's2'],
      ['s2', 'l4', 's3'],
    ]);
  });

  it('compares loggedAt as instants across offsets, not as strings', () => {
    const logs = [
      { logId: 'b', eventId: 'eb', severity: 0, loggedAt: '2026-01-01T21:00:00Z' },
      { logId: 'a', eventId: 'ea', severity: 0, loggedAt: '2026-01-02T01:00:00+05:00' }, // 2026-01-01T20:00Z
      { logId: 'c', eventId: 'ec', severity: 0, loggedAt: '2026-01-02T22:00:00+01:00' }, // 25 h after a
    ];
    expect(computeStageHistory(logs, rules)).toEqual([
      { stageIndex: 0, stageName: 's1', enteredAt: '2026-01-02T01:00:00+05:00', logId: 'a', eventId: 'ea', from: null },
      { stageIndex: 1, stageName: 's2', enteredAt: '2026-01-02T22:00:00+01:00', logId: 'c', eventId: 'ec', from: 's1' },
    ]);
  });

  it('keeps the given order for logs at the same instant', () => {
    expect(changes([log(1, 0, 0), log(2, 0, 24), log(3, 3, 24)])).toEqual([
      ['s1', 'l1', null],
      ['s2', 'l2', 's1'],
      ['s1', 'l3', 's2'],
    ]);
    expect(changes([log(1, 0, 0), log(3, 3, 24), log(2, 0, 24)])).toEqual([['s1', 'l1', null]]);
  });

  it('follows the shipped six-stage rules from injury to return to sport', () => {
    const shipped: StagesConfig = {
      stages: [
        'symptom_limited_activity',
        'light_aerobic_exercise',
        'sport_specific_exercise',
        'non_contact_training',
        'full_contact_practice',
        'return_to_sport',
      ],
      minHoursPerStage: 24,
      symptomFreeMaxSeverity: 1,
      regressAtSeverity: 3,
    };
    const logs = [log(1, 5, 0), ...[1, 2, 3, 4, 5, 6, 7].map((day) => log(day + 1, 1, day * 24))];
    expect(computeStageHistory(logs, shipped).map((c) => [c.stageIndex, c.stageName])).toEqual([
      [0, 'symptom_limited_activity'],
      [1, 'light_aerobic_exercise'],
      [2, 'sport_specific_exercise'],
      [3, 'non_contact_training'],
      [4, 'full_contact_practice'],
      [5, 'return_to_sport'],
    ]);
  });

  it('rejects a loggedAt that is not a timestamp', () => {
    expect(() =>
      computeStageHistory([{ logId: 'x', eventId: 'e', severity: 0, loggedAt: 'yesterday' }], rules),
    ).toThrow(RangeError);
  });
});
