/**
 * `LegacySource.rows()` reads exactly the row objects of the straightforward query — one
 * `json_build_object` per row of the table (and its joined table), sorted — although it builds
 * the objects with `row_to_json`, after sorting the narrow rows: the same keys in the same order, the same JSON
 * values, the same order, for every table of the import, through a map that renames tables and
 * columns or leaves columns out, and for a read wider than one `json_build_object` (50 columns).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { importLegacy, sourceReads } from '../../apps/cli/import/import-legacy.js';
import { defaultLegacyMap, parseLegacyMap, type LegacyMap } from '../../apps/cli/import/legacy-map.js';
import { quoteIdent, type LegacyTableName } from '../../apps/cli/import/legacy-schema.js';
import { LegacySource, type SourceRead } from '../../apps/cli/import/legacy-source.js';
import type { TableRead } from '../../apps/cli/import/rows/row-plan.js';
import type { LegacyRow } from '../../apps/cli/import/rows/row-values.js';
import { createLegacyDatabase, insertLegacyRows, type LegacyDatabase } from '../fixtures/legacy/legacy-database.js';
import { adminQuery, uniqueName } from '../support/databases.js';
import { fixtureRows } from '../fixtures/legacy/fixture.js';

/** The rows as the import read them before: the object built in the scan, then the rows sorted. */
async function referenceRows(
  legacy: LegacyDatabase,
  schema: string,
  map: LegacyMap,
  read: SourceRead,
): Promise<LegacyRow[]> {
  const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;
  const tableRef = (table: LegacyTableName) => `${quoteIdent(schema)}.${quoteIdent(map.table(table))}`;
  const columnRef = (alias: string, table: LegacyTableName, column: string) => {
    const name = map.column(table, column);
    return name === null ? 'NULL' : `${alias}.${quoteIdent(name)}`;
  };
  const fields = (alias: string, table: LegacyTableName, r: TableRead, prefix = '') =>
    [...r.required, ...r.optional].map((c) => `${literal(prefix + c)}, ${columnRef(alias, table, c)}`);
  const list = fields('t', read.table, read.read);
  let from = `${tableRef(read.table)} t`;
  if (read.joined) {
    const j = read.joined;
    list.push(...fields('j', j.table, j.read, j.prefix));
    from += ` LEFT JOIN ${tableRef(j.table)} j ON ${columnRef('j', j.table, j.on)} = ${columnRef('t', read.table, j.references)}`;
  }
  const order = read.read.orderBy
    .filter((c) => map.column(read.table, c) !== null)
    .map((c) => `${columnRef('t', read.table, c)} NULLS FIRST`);
  const objects: string[] = [];
  for (let i = 0; i < list.length; i += 50) objects.push(`jsonb_build_object(${list.slice(i, i + 50).join(', ')})`);
  const row = objects.length === 1 ? objects[0]!.replace(/^jsonb_/, 'json_') : `(${objects.join(' || ')})`;
  const rows = await legacy.query<{ r: LegacyRow }>(
    `SELECT ${row} AS r FROM ${from}${order.length ? ` ORDER BY ${order.join(', ')}` : ''}`,
  );
  return rows.map((r) => r.r);
}

/** Every row `rows()` yields, `chunk` at a time. */
async function readAll(source: LegacySource, read: SourceRead, chunk: number): Promise<LegacyRow[]> {
  const rows: LegacyRow[] = [];
  for await (const part of source.rows(read, chunk)) rows.push(...part);
  return rows;
}

/** What a dry run decides for every row, in order: table, key, outcome, event types. */
async function plannedRows(source: LegacySource): Promise<string[]> {
  const planned: string[] = [];
  await importLegacy({
    source,
    map: defaultLegacyMap,
    store: null,
    dryRun: true,
    keys: null,
    runId: '00000000-0000-4000-8000-000000000000',
    isKnownSymptom: () => true,
    chunkRows: 7,
    onOutcome: (o) =>
      planned.push(`${o.table} ${JSON.stringify(o.key)} ${o.status} ${o.events.map((e) => e.type).join(',')}`),
  });
  return planned;
}

/** Same objects, same keys in the same order, same rows in the same order. */
async function expectSameRows(legacy: LegacyDatabase, schema: string, map: LegacyMap, read: SourceRead) {
  const source = await LegacySource.open(legacy.url, schema, map);
  try {
    const rows = await readAll(source, read, 7);
    const expected = await referenceRows(legacy, schema, map, read);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows).toEqual(expected);
    // The keys in the read's order. (Wider than 50 columns the reference merges jsonb objects,
    // whose keys jsonb orders by length: there the values alone are compared.)
    const fields = (r: TableRead, prefix = '') => [...r.required, ...r.optional].map((c) => prefix + c);
    const keys = [...fields(read.read), ...(read.joined ? fields(read.joined.read, read.joined.prefix) : [])];
    expect(rows.map((r) => Object.keys(r))).toEqual(rows.map(() => keys));
    if (keys.length <= 50) expect(rows.map((r) => Object.keys(r))).toEqual(expected.map((r) => Object.keys(r)));
  } finally {
    await source.close();
  }
}

describe('LegacySource.rows(): the row objects of the plain query, built after the sort [PostgreSQL server]', () => {
  let legacy: LegacyDatabase;
  let renamed: LegacyDatabase;
  const renamedMap = parseLegacyMap(
    [
      'tables:',
      '  patients:',
      '    table: athletes',
      // two seed columns read from one legacy column, one left out
      '    columns: { first_name: given_name, last_name: given_name, age_group: null }',
      '  sessions:',
      '    columns: { id: session_uuid, start_time: null }',
      '  session_kpis:',
      '    table: kpis',
      '    columns: { session_id: of_session, touches: ball_touches, passes: null }',
      '  symptom_log_export:',
      '    columns: { timestamp: logged_at }',
    ].join('\n'),
    'map.yaml',
  );

  beforeAll(async () => {
    legacy = await createLegacyDatabase();
    await insertLegacyRows(legacy, fixtureRows());
    renamed = await createLegacyDatabase({ schema: 'clinic' });
    await insertLegacyRows(renamed, fixtureRows());
    for (const statement of [
      'ALTER TABLE patients RENAME TO athletes',
      'ALTER TABLE athletes RENAME COLUMN first_name TO given_name',
      'ALTER TABLE athletes DROP COLUMN age_group',
      'ALTER TABLE sessions RENAME COLUMN id TO session_uuid',
      'ALTER TABLE session_kpis RENAME TO kpis',
      'ALTER TABLE kpis RENAME COLUMN session_id TO of_session',
      'ALTER TABLE kpis RENAME COLUMN touches TO ball_touches',
      'ALTER TABLE kpis DROP COLUMN passes',
      'ALTER TABLE symptom_log_export RENAME COLUMN "timestamp" TO logged_at',
    ])
      await renamed.query(statement);
  }, 120_000);

  afterAll(async () => {
    await legacy?.drop();
    await renamed?.drop();
  });

  it.each(sourceReads().map((read) => [read.table, read] as const))('%s, the seeds’ own names', async (_, read) => {
    await expectSameRows(legacy, 'public', defaultLegacyMap, read);
  });

  it.each(sourceReads().map((read) => [read.table, read] as const))(
    '%s, through a map that renames tables and columns and leaves some out',
    async (_, read) => {
      await expectSameRows(renamed, 'clinic', renamedMap, read);
    },
  );

  it('a read wider than 50 columns (the reference merges objects), with a column the map leaves out', async () => {
    const columns = Array.from({ length: 60 }, (_, i) => `x${i}`);
    await legacy.query(
      `CREATE TABLE wide (doctor_id text PRIMARY KEY, ${columns.map((c, i) => `${c} ${i % 2 ? 'integer' : 'timestamptz'}`).join(', ')})`,
    );
    await legacy.query(
      `INSERT INTO wide SELECT 'd' || n, ${columns.map((_, i) => (i % 2 ? `n * ${i}` : `'2024-01-01Z'::timestamptz + n * interval '1 hour'`)).join(', ')} FROM generate_series(1, 30) n`,
    );
    const map: LegacyMap = {
      table: () => 'wide',
      column: (_, column) => (column === 'x3' ? null : column),
    };
    const read: SourceRead = {
      table: 'doctors',
      read: { required: ['doctor_id'], optional: columns, orderBy: ['x1', 'x3', 'doctor_id'] },
    };
    await expectSameRows(legacy, 'public', map, read);
  });

  it('every read sees the one snapshot, on both of its connections, whatever is written meanwhile', async () => {
    const source = await LegacySource.open(legacy.url, 'public', defaultLegacyMap);
    const added = 'd-after-open';
    try {
      expect(source.concurrentReads).toBe(true);
      const reads = sourceReads();
      const doctors = reads.find((r) => r.table === 'doctors')!;
      const before = await source.counts(['doctors']);
      // written and committed by the old system after the snapshot was taken
      await legacy.query(`INSERT INTO doctors (doctor_id, name, registered_at) VALUES ($1, 'Dr New', now())`, [added]);
      // two reads in a row run on the two connections: each sees the snapshot, not the new row
      for (const read of [doctors, doctors]) {
        const rows = await readAll(source, read, 5);
        expect(rows).toHaveLength(before[0]!);
        expect(rows.some((r) => r['doctor_id'] === added)).toBe(false);
      }
      expect(await source.counts(['doctors'])).toEqual(before);
    } finally {
      await source.close();
      await legacy.query('DELETE FROM doctors WHERE doctor_id = $1', [added]);
    }
  });

  it('where a second connection cannot be had, one connection reads every table: the same rows', async () => {
    // A role allowed one connection: the snapshot's second connection is refused.
    const role = uniqueName('legacy_reader');
    await adminQuery(`CREATE ROLE ${role} LOGIN CONNECTION LIMIT 1`);
    try {
      await legacy.query(`GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${role}`);
      const url = new URL(legacy.url);
      url.username = role;
      const source = await LegacySource.open(url.toString(), 'public', defaultLegacyMap);
      try {
        expect(source.concurrentReads).toBe(false);
        for (const read of sourceReads().slice(0, 3)) {
          const rows = await readAll(source, read, 7);
          expect(rows).toEqual(await referenceRows(legacy, 'public', defaultLegacyMap, read));
        }
        // and a whole (dry) import decides the same rows as one on two connections
        const two = await LegacySource.open(legacy.url, 'public', defaultLegacyMap);
        try {
          expect(two.concurrentReads).toBe(true);
          const one = await plannedRows(source);
          expect(one.length).toBeGreaterThan(100);
          expect(one).toEqual(await plannedRows(two));
        } finally {
          await two.close();
        }
      } finally {
        await source.close();
      }
    } finally {
      await legacy.query(`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${role}`);
      await adminQuery(`DROP ROLE ${role}`);
    }
  });

  it('the objects are built after one sort of the narrow rows (a subquery PostgreSQL does not flatten)', async () => {
    const source = await LegacySource.open(legacy.url, 'public', defaultLegacyMap);
    try {
      for (const read of sourceReads()) {
        const plan = (await source.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${source.rowsQuery(read)}`)).map(
          (line) => line['QUERY PLAN'],
        );
        // the objects (x) built over the one sort of the narrow rows
        expect(plan[0]).toMatch(/^Subquery Scan on x /);
        expect(plan.filter((line) => /^\s*(->\s+)?Sort\s+\(/.test(line))).toHaveLength(1);
      }
    } finally {
      await source.close();
    }
  });
});
