/**
 * Every projection gives the same rows whatever the batch boundaries (1, 7, 500 and 5,000
 * events per batch), from a warm cache or a cold one, on a realistic simulated history with
 * backdated symptom logs and erased patients (live rows cleared on PatientErased equal rows
 * written from events that already read as erased).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPostgresEventStore } from '../../libs/event-store/postgres/postgres-event-store.js';
import type { StoredEvent } from '../../libs/event-store/index.js';
import {
  defaultProjectionContext,
  projectionHarness,
} from '../../libs/projection-engine/testing/projection-harness.js';
import { openDatabase } from '../../libs/read-store/connection.js';
import { allProjections } from '../../projections/index.js';
import { appendSimulatedHistory } from '../support/simulated-history.js';

const harness = projectionHarness();
const events: StoredEvent[] = [];

beforeAll(async () => {
  // The history through the real deciders, appended to a store, read back as stored events.
  const connection = await openDatabase({ kind: 'embedded', dataDir: null });
  try {
    const store = await createPostgresEventStore({ connection });
    await appendSimulatedHistory(store, { patients: 30, logsPerPatient: 40, seed: 7, eraseEvery: 4 });
    for (let from: 'start' | bigint = 'start'; ;) {
      const page = await store.readAll({ fromPosition: from, maxCount: 1000 });
      events.push(...page);
      if (page.length < 1000) break;
      from = page.at(-1)!.position;
    }
  } finally {
    await connection.close();
  }
}, 120_000);
afterAll(() => harness.close());

async function rowsOf(projectionName: string, batchSize: number, cold: boolean): Promise<Record<string, string[]>> {
  const projection = allProjections.find((p) => p.name === projectionName)!;
  const t = await harness.fresh(projection, defaultProjectionContext());
  if (cold)
    for (let i = 0; i < events.length; i += batchSize)
      await t.apply(events.slice(i, i + batchSize), batchSize, { cold: true });
  else await t.apply(events, batchSize);
  const out: Record<string, string[]> = {};
  for (const table of projection.tableNames) {
    const rows = await t.query<{ row: string }>(`SELECT to_jsonb(t.*)::text AS row FROM ${table} t ORDER BY 1`);
    out[table] = rows.map((r) => r.row);
  }
  return out;
}

describe('batch-size invariance of every projection [PGlite]', () => {
  it('the history holds backdated symptom logs and more than 1,000 events', () => {
    expect(events.length).toBeGreaterThan(1000);
    const latest = new Map<string, number>();
    let backdated = 0;
    for (const e of events.filter((x) => x.type === 'SymptomLogged')) {
      const at = Date.parse(String(e.data['loggedAt']));
      const person = String(e.data['patientId']);
      if (at < (latest.get(person) ?? -Infinity)) backdated++;
      latest.set(person, Math.max(at, latest.get(person) ?? -Infinity));
    }
    expect(backdated).toBeGreaterThan(50);
    // and erasures (SPEC §9), with events of the erased patients before and after them
    expect(events.filter((e) => e.type === 'PatientErased').length).toBeGreaterThanOrEqual(5);
  });

  for (const projection of allProjections) {
    it(`${projection.name}: batches of 1, 7, 500 and 5,000, warm and cold, give the same rows`, async () => {
      const reference = await rowsOf(projection.name, 5000, false);
      expect(Object.values(reference).some((rows) => rows.length > 0)).toBe(true);
      for (const size of [1, 7, 500])
        expect({ size, rows: await rowsOf(projection.name, size, false) }).toEqual({ size, rows: reference });
      expect({ size: 'cold 7', rows: await rowsOf(projection.name, 7, true) }).toEqual({
        size: 'cold 7',
        rows: reference,
      });
    }, 300_000);
  }
});
