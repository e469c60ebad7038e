import { sql, type Kysely, type RawBuilder } from 'kysely';

/** Per database handle: whether it takes several statements in one simple query (pg: yes; PGlite: no). */
const multiStatement = new WeakMap<Kysely<unknown>, boolean>();

/**
 * Runs `statements` in order in one transaction committed asynchronously (`synchronous_commit`
 * off for this transaction only): the write transaction of a batch of derived rows. A server
 * crash can lose the last batches' rows AND their checkpoint together (one transaction), and
 * the runner applies them again from the durable log — never half, never twice. If any
 * statement fails, nothing is written and its error is thrown.
 *
 * On the PostgreSQL server the whole transaction — BEGIN, SET LOCAL, every statement, COMMIT —
 * goes as ONE script (one simple query, parameters inlined as dollar-quoted literals): one round
 * trip per batch. While catching up, every round trip of a batch waits for the event loop, which
 * is busy folding the other projections' batches, so the statements of a batch's transaction
 * were the slowest projection's critical path. A statement that fails ends the script there
 * (the transaction is aborted: no later statement runs, COMMIT included), and a ROLLBACK ends
 * it. PGlite's driver takes one statement per query: there, one round trip per statement.
 */
export async function commitAsync(db: Kysely<unknown>, statements: readonly RawBuilder<unknown>[]): Promise<void> {
  await db.connection().execute(async (conn) => {
    try {
      if (multiStatement.get(db) !== false && (await asOneScript(db, conn, statements))) return;
      await sql`BEGIN`.execute(conn);
      await sql`SET LOCAL synchronous_commit TO OFF`.execute(conn);
      for (const statement of statements) await statement.execute(conn);
      await sql`COMMIT`.execute(conn);
    } catch (error) {
      await sql`ROLLBACK`.execute(conn).catch(() => undefined);
      throw error;
    }
  });
}

/** Sends the transaction as one script; false when the driver takes one statement per query (learnt once per handle). */
async function asOneScript(
  db: Kysely<unknown>,
  conn: Kysely<unknown>,
  statements: readonly RawBuilder<unknown>[],
): Promise<boolean> {
  // Built as parts joined once: the literals (megabytes for a large batch) are copied into the
  // script once, not first into each statement's text and then again into the script.
  const parts = ['BEGIN;\nSET LOCAL synchronous_commit TO OFF'];
  for (const statement of statements) {
    parts.push(';\n');
    inlineInto(parts, statement, conn);
  }
  parts.push(';\nCOMMIT');
  try {
    await sql.raw(parts.join('')).execute(conn);
    multiStatement.set(db, true);
    return true;
  } catch (error) {
    // 42601: "cannot insert multiple commands into a prepared statement" (extended protocol)
    if (multiStatement.get(db) === true || (error as { code?: unknown }).code !== '42601') throw error;
    multiStatement.set(db, false);
    return false;
  }
}

/** Appends to `parts` a statement's SQL with each `$n` replaced by its parameter as a literal. */
function inlineInto(parts: string[], statement: RawBuilder<unknown>, db: Kysely<unknown>): void {
  const { sql: text, parameters } = statement.compile(db);
  const placeholder = /\$(\d+)/g;
  let from = 0;
  for (let match = placeholder.exec(text); match !== null; match = placeholder.exec(text)) {
    parts.push(text.slice(from, match.index), literal(parameters[Number(match[1]) - 1]));
    from = match.index + match[0].length;
  }
  parts.push(text.slice(from));
}

/**
 * A parameter as an SQL literal: text dollar-quoted (no escaping at all, whatever
 * `standard_conforming_strings` says; the tag is one that cannot close it early), numbers as
 * they are. Any other kind of value is a programming error: the write path binds only these.
 */
function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') {
    let tag = '$w$';
    // the tag closes the literal at its first occurrence, also one that starts inside the text
    for (let i = 0; value.includes(tag) || value.endsWith(tag.slice(0, -1)); i++) tag = `$w${i}$`;
    return `${tag}${value}${tag}`;
  }
  if (typeof value === 'bigint' || (typeof value === 'number' && Number.isFinite(value))) return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  throw new TypeError(`cannot inline a parameter of type ${typeof value} in a write script`);
}
