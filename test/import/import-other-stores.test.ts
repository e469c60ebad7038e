/**
 * The import is written against the event store port: the same fixture imports into
 * EventStoreDB (EVENTSTORE_URL: a server, a container, or the gRPC test double) and into the
 * embedded default (no DATABASE_URL: PGlite under DATA_DIR), and a second run appends nothing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { importedEventId } from '../../apps/cli/import/event-ids.js';
import { ENCRYPTED_FIELD } from '../../libs/personal-data/index.js';
import { createEsdbEventStore } from '../../libs/event-store/esdb/esdb-event-store.js';
import { startEsdbBackend, type EsdbBackend } from '../support/esdb-double/backends.js';
import { expectedRejections, fixtureRows } from '../fixtures/legacy/fixture.js';
import { createLegacyDatabase, insertLegacyRows, type LegacyDatabase } from '../fixtures/legacy/legacy-database.js';
import { seedPgliteDataDir } from '../support/pglite-template.js';
import { cli } from './support.js';

type Report = {
  events: number;
  rejected: unknown[];
  tables: { imported: number; alreadyThere: number; rejected: number; rows: number }[];
};

describe('caretrack import legacy on the other stores', () => {
  let legacy: LegacyDatabase;
  const fixtureRowCount = Object.entries(fixtureRows())
    .filter(([table]) => table !== 'tracker_export')
    .reduce((n, [, rows]) => n + rows.length, 0);

  beforeAll(async () => {
    legacy = await createLegacyDatabase();
    await insertLegacyRows(legacy, fixtureRows());
  }, 60_000);
  afterAll(async () => legacy?.drop());

  /** Imports twice: the first run takes every row but the rejected ones, the second appends nothing. */
  async function twice(env: Record<string, string>): Promise<Report> {
    const first = await cli(['import', 'legacy', '--from', legacy.url, '--json'], env);
    expect(first.err).not.toMatch(/caretrack:|error/i);
    const report = JSON.parse(first.out) as Report;
    const rejected = expectedRejections.filter((r) => r.key['prediction_id'] !== 'pr-orphan').length; // no orphan in this database
    expect(report.rejected).toHaveLength(rejected);
    expect(report.tables.reduce((n, t) => n + t.imported, 0)).toBe(fixtureRowCount - rejected);
    const second = JSON.parse((await cli(['import', 'legacy', '--from', legacy.url, '--json'], env)).out) as Report;
    expect(second.events).toBe(0);
    expect(second.tables.reduce((n, t) => n + t.alreadyThere, 0)).toBe(fixtureRowCount - rejected);
    return report;
  }

  describe('EventStoreDB', () => {
    let backend: EsdbBackend;
    beforeAll(async () => {
      backend = await startEsdbBackend();
      process.stdout.write(`import on EventStoreDB running against: ${backend.label}\n`);
    }, 180_000);
    afterAll(async () => backend?.stop());

    it('imports the fixture and, run again, appends nothing', async () => {
      // the data keys live in the read database (here the embedded one under DATA_DIR)
      const dataDir = await mkdtemp(join(tmpdir(), 'caretrack-import-esdb-keys-'));
      await seedPgliteDataDir(join(dataDir, 'pg')); // PGlite's initdb, copied rather than run again
      try {
        await twice({ EVENTSTORE_URL: backend.connectionString, DATA_DIR: dataDir });
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
      const store = await createEsdbEventStore({ connectionString: backend.connectionString });
      try {
        const events = await store.readStream('consultation-c011');
        expect(events.map((e) => [e.id, e.type])).toEqual([
          [importedEventId('consultations', ['c011'], 0), 'ConsultationRecorded'],
          [importedEventId('consultations', ['c011'], 1), 'ConsultationStatusChanged'],
        ]);
        expect(events[1]!.metadata).toMatchObject({
          actor: { id: 'import', role: 'import' },
          imported: { table: 'consultations', key: { id: 'c011' } },
        });
        expect(events[0]!.data).toMatchObject({
          consultationId: 'c011',
          patientId: 'p05',
          [ENCRYPTED_FIELD]: expect.stringMatching(/^v1\./),
        });
        expect(events[0]!.data).not.toHaveProperty('chiefComplaint');
      } finally {
        await store.close();
      }
    }, 120_000);
  });

  describe('embedded PGlite (the default, under DATA_DIR)', () => {
    let dataDir: string;
    beforeAll(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'caretrack-import-embedded-'));
      await seedPgliteDataDir(join(dataDir, 'pg')); // PGlite's initdb, copied rather than run again
    });
    afterAll(async () => rm(dataDir, { recursive: true, force: true }));

    it('imports the fixture and, run again, appends nothing', async () => {
      await twice({ DATA_DIR: dataDir });
    }, 120_000);
  });
});
