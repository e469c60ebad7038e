import { randomUUID } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL server the tests use: TEST_DATABASE_URL, else the local `test` database. */
export const testDatabaseUrl = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A fresh name for a schema or application, unique per call. */
export const uniqueName = (prefix: string) => `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 12)}`;

/** `url` with `application_name` set, so a test can find (and drop) its own connections. */
export function withApplicationName(url: string, applicationName: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('application_name', applicationName);
  return parsed.toString();
}

/** Runs one statement on a short-lived admin connection to the test server. */
export async function adminQuery<R extends pg.QueryResultRow = pg.QueryResultRow>(
  text: string,
  values: unknown[] = [],
) {
  const client = new pg.Client({ connectionString: testDatabaseUrl });
  await client.connect();
  try {
    return await client.query<R>(text, values);
  } finally {
    await client.end();
  }
}

/** Terminates every backend of the test server opened under `applicationName`. */
export async function terminateConnections(applicationName: string): Promise<number> {
  const { rows } = await adminQuery<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()`,
    [applicationName],
  );
  await adminQuery(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, [
    applicationName,
  ]);
  return rows.length;
}
