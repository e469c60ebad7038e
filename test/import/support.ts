import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { sql, type Kysely } from 'kysely';
import type { EventStore, StoredEvent } from '../../libs/event-store/index.js';
import { ProjectionRunner, waitForPosition } from '../../libs/projection-engine/index.js';
import { defaultProjectionContext } from '../../libs/projection-engine/testing/projection-harness.js';
import { allProjections } from '../../projections/index.js';
import { adminQuery, testDatabaseUrl, uniqueName } from '../support/databases.js';
import { runCli } from '../../apps/cli/cli.js';
import { plaintextOpener } from '../../libs/projection-engine/open-events.js';

/** A fresh database for the service's stores, and its URL. */
export async function createTargetDatabase(prefix = 'caretrack_import'): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = uniqueName(prefix);
  await adminQuery(`CREATE DATABASE ${name}`);
  const u = new URL(testDatabaseUrl);
  u.pathname = `/${name}`;
  return { name, url: u.toString(), drop: async () => void (await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)) };
}

/** Runs `caretrack …` in-process with the given environment; returns its exit code and output. */
export async function cli(argv: string[], env: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: { write: (t) => void (out += t) }, err: { write: (t) => void (err += t) }, env: { LOG_LEVEL: 'warn', ...env } });
  return { code, out, err };
}

/** Runs every projection over the log until it has caught up with the head, then stops. */
export async function project(db: Kysely<unknown>, store: EventStore): Promise<void> {
  const root = new URL('../../', import.meta.url);
  const runner = new ProjectionRunner({
    opener: plaintextOpener(),
    db,
    store,
    projections: allProjections,
    context: defaultProjectionContext(),
    configTexts: {
      triageMap: readFileSync(new URL('projections/config/triage_map.yaml', root), 'utf8'),
      stages: readFileSync(new URL('projections/config/stages.yaml', root), 'utf8'),
    },
    logger: pino({ level: 'silent' }),
  });
  await runner.start();
  try {
    const head = (await store.headPosition()) ?? 0n;
    if (!(await waitForPosition(db, store, allProjections, head, 120_000))) throw new Error('projections did not catch up');
  } finally {
    await runner.stop();
  }
}

/** Every row of a read table, as JSON, sorted. */
export async function tableRows(db: Kysely<unknown>, table: string, order: string): Promise<Record<string, unknown>[]> {
  const { rows } = await sql<{ row: Record<string, unknown> }>`SELECT to_jsonb(t) AS row FROM ${sql.table(table)} t ORDER BY ${sql.raw(order)}`.execute(db);
  return rows.map((r) => r.row);
}

/** Every event of the log, in log order. */
export async function allEvents(store: EventStore): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for (;;) {
    const page = await store.readAll({ fromPosition: events.length ? events[events.length - 1]!.position : 'start', maxCount: 5000 });
    events.push(...page);
    if (page.length < 5000) return events;
  }
}
