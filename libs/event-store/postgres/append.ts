import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { AppendOutcome, AppendResult, EventToAppend, ExpectedRevision, StreamAppend } from '../event-store.js';
import { assertWellFormedAppend } from '../append-each.js';
import { EventStoreUnavailable, WrongExpectedVersion } from '../errors.js';
import { canonicalJson } from '../integrity-hash.js';
import { isConnectionError } from './connection-errors.js';
import type { BatchFailure, PreparedAppend } from './group-commit.js';

export { APPEND_LOCK_CLASS } from './append-function.js';

/** Test seams: never set in production. */
export type AppendHooks = {
  /**
   * false removes the append lock and takes positions from a sequence: the naive design
   * whose readers skip events. Exists only as the concurrency test's negative control.
   */
  serialize?: boolean;
  /**
   * When set, each batch runs in an explicit transaction (BEGIN, the append function, this
   * hook, COMMIT) instead of one autocommit statement; a hook that throws fails the batch.
   */
  beforeCommit?: () => Promise<void>;
};

/**
 * How `append_lines` gets its per-event columns: as strings, or (the pg driver) as the UTF-8
 * bytes of the joined lines, written once straight from each line into one buffer and sent as
 * a binary `text` parameter. The string path joins ~1 MB per column and wave and the driver
 * then measures and encodes it again: ~0.3 s of a 100,000-row import's thread. PGlite would
 * take bytes for `bytea`, so it keeps strings.
 */
export type LineEncoding = 'string' | 'bytes';

/**
 * Checks one append and turns it into what the append function takes. Throws on a malformed
 * append (no events, an id that is not a UUID, an id twice).
 */
export function prepareAppend(append: StreamAppend): PreparedAppend {
  const { stream, events } = append;
  assertWellFormedAppend(stream, events);
  const ids = events.map((e) => (e.id ?? randomUUID()).toLowerCase());
  const data = events.map((e: EventToAppend) => canonicalJson(e.data));
  const metadata = events.map((e) => canonicalJson(e.metadata ?? {}));
  const size = data.reduce((n, d) => n + d.length, 0) + metadata.reduce((n, m) => n + m.length, 0);
  return {
    stream,
    expected: append.expectedRevision ?? 'any',
    ids,
    types: events.map((e) => e.type),
    data,
    metadata,
    size,
  };
}

type Row = {
  ordinal: number;
  outcome: 'ok' | 'replay' | 'wrong' | 'skipped';
  revision: string | number | null;
  log_position: string | number | null;
};

/**
 * Commits the appends of several calls in one call of `<schema>.append_batch` (see
 * `append-function.ts`): one autocommit statement, or — with the `beforeCommit` test seam —
 * the same call inside BEGIN … COMMIT. Resolves to one list of outcomes per call; throws when
 * the statement or its commit failed (then nothing of the batch was written).
 */
export async function commitBatch(
  db: Kysely<unknown>,
  schema: string,
  calls: PreparedAppend[][],
  hooks: AppendHooks = {},
  encoding: LineEncoding = 'string',
): Promise<AppendOutcome[][]> {
  const appends = calls.flat();
  const callOf = calls.flatMap((call, c) => call.map(() => c));
  const perEvent = <T>(pick: (a: PreparedAppend) => T[]) => appends.flatMap(pick);
  const head = sql`${hooks.serialize ?? true},
      ${appends.map((a) => a.stream)}::text[],
      ${appends.map((a) => expectationText(a.expected))}::text[],
      ${appends.map((a) => a.ids.length)}::integer[],
      ${callOf}::integer[]`;
  // The events' columns as newline-separated text (append_lines), unless a name holds a newline.
  const lines = (pick: (a: PreparedAppend) => readonly string[]) => {
    const all: string[] = [];
    for (const a of appends) for (const line of pick(a)) all.push(line);
    return joinLines(all, encoding);
  };
  const streamLines = () => {
    const all: string[] = [];
    for (const a of appends) for (let i = 0; i < a.ids.length; i++) all.push(a.stream);
    return joinLines(all, encoding);
  };
  let query;
  if (appends.every(splitsByLines)) {
    const data = lines((a) => a.data);
    const metadata = lines((a) => a.metadata);
    // One search over the whole batch's text; the batch is then committed call by call, and
    // only the call that carries the text fails.
    if (holdsUnstorableEscape(data) || holdsUnstorableEscape(metadata)) throw new UnstorableText();
    query = sql<Row>`SELECT ordinal, outcome, revision::text AS revision, log_position::text AS log_position
    FROM ${sql.id(schema, 'append_lines')}(${head},
      ${streamLines()}::text, ${lines((a) => a.ids)}::text, ${lines((a) => a.types)}::text,
      ${data}::text, ${metadata}::text)`;
  } else {
    if (appends.some((a) => [...a.data, ...a.metadata].some(holdsUnstorableEscape))) throw new UnstorableText();
    query = sql<Row>`SELECT ordinal, outcome, revision::text AS revision, log_position::text AS log_position
    FROM ${sql.id(schema, 'append_batch')}(${head},
      ${perEvent((a) => a.ids.map(() => a.stream))}::text[],
      ${perEvent((a) => a.ids)}::uuid[],
      ${perEvent((a) => a.types)}::text[],
      ${perEvent((a) => a.data)}::text[],
      ${perEvent((a) => a.metadata)}::text[])`;
  }
  const beforeCommit = hooks.beforeCommit;
  const { rows } = beforeCommit
    ? await db.transaction().execute(async (trx) => {
        const result = await query.execute(trx);
        await beforeCommit();
        return result;
      })
    : await query.execute(db);
  if (rows.length !== appends.length)
    throw new Error(`append_batch answered ${rows.length} rows for ${appends.length} appends`);
  const outcomes = rows.map((row, i) => toOutcome(row, appends[i]!));
  let next = 0;
  return calls.map((call) => outcomes.slice(next, (next += call.length)));
}

/**
 * How a failed batch is handled: bad data of one call (a data exception, a constraint, a
 * statement too large) is isolated by committing each call alone; anything else — a lost
 * connection, a failed commit, an interrupted statement — fails every append of the batch
 * with `EventStoreUnavailable`: none of them was written, and none may be reported as written.
 */
export function classifyBatchFailure(error: unknown): BatchFailure {
  const code = (error as { code?: unknown } | null)?.code;
  if (!isConnectionError(error) && typeof code === 'string' && /^(22|23|54)/.test(code)) return { kind: 'isolate' };
  return {
    kind: 'fail',
    error: new EventStoreUnavailable('the event store did not commit the append; nothing of it was written', {
      cause: error,
    }),
  };
}

/** An outcome that is an error: a single append's failure (bad data) surfaces as its own error. */
export function unwrapOutcome(outcome: AppendOutcome): AppendResult {
  if (outcome.ok) return outcome.result;
  throw outcome.error;
}

function toOutcome(row: Row, append: PreparedAppend): AppendOutcome {
  const revision = row.revision === null ? null : BigInt(row.revision);
  if (row.outcome === 'ok' || row.outcome === 'replay') {
    return { ok: true, result: { nextExpectedRevision: revision!, position: BigInt(row.log_position!) } };
  }
  return { ok: false, error: new WrongExpectedVersion(append.stream, append.expected, revision ?? 'no_stream') };
}

/** Lines joined by newlines: one string, or its UTF-8 bytes written line by line into one buffer. */
export function joinLines(lines: readonly string[], encoding: LineEncoding): string | Buffer {
  if (encoding === 'string') return lines.join('\n');
  let size = Math.max(0, lines.length - 1);
  for (const line of lines) size += Buffer.byteLength(line, 'utf8');
  const bytes = Buffer.allocUnsafe(size);
  let offset = 0;
  for (let i = 0; i < lines.length; i++) {
    if (i > 0) bytes[offset++] = 0x0a;
    offset += bytes.write(lines[i]!, offset, 'utf8');
  }
  return bytes;
}

/**
 * Event data PostgreSQL cannot keep as text: a string with NUL or an unpaired surrogate. The
 * log's `json` columns would store it as it came (`jsonb` refused it itself), and then no
 * projection could write it into a text column nor an older log read it back. SQLSTATE 22P05
 * (as `jsonb`'s own refusal): bad data of the call that carries it (`classifyBatchFailure`).
 */
export class UnstorableText extends Error {
  readonly code = '22P05';

  constructor() {
    super('event data holds a NUL character or an unpaired surrogate, which PostgreSQL cannot store as text');
    this.name = 'UnstorableText';
  }
}

const BACKSLASH = 0x5c;

/**
 * True when JSON text holds the escape of NUL (`\u0000`) or of a surrogate (`\ud800`–`\udfff`):
 * `JSON.stringify` writes a paired surrogate as it is and escapes only an unpaired one. Nearly
 * every text holds no `\u` at all: one native search each (over a whole batch's bytes).
 */
export function holdsUnstorableEscape(text: string | Buffer): boolean {
  const at = (i: number) => (typeof text === 'string' ? text.charCodeAt(i) : text[i]!);
  for (let p = text.indexOf('\\u'); p >= 0; p = text.indexOf('\\u', p + 1)) {
    // the backslash starts an escape only after an even number of backslashes (`\\` is one)
    let before = 0;
    while (p - before - 1 >= 0 && at(p - before - 1) === BACKSLASH) before++;
    if (before % 2 === 1) continue;
    const hex = (i: number) => String.fromCharCode(at(p + 2 + i)).toLowerCase();
    if (hex(0) === '0' && hex(1) === '0' && hex(2) === '0' && hex(3) === '0') return true;
    if (hex(0) === 'd' && '89abcdef'.includes(hex(1))) return true;
  }
  return false;
}

/** True when no field of the append holds a newline (canonical JSON and UUIDs never do). */
function splitsByLines(append: PreparedAppend): boolean {
  return !append.stream.includes('\n') && append.types.every((t) => !t.includes('\n'));
}

function expectationText(expected: ExpectedRevision): string {
  return typeof expected === 'bigint' ? expected.toString(10) : expected;
}
