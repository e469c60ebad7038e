import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { sql, type Kysely } from 'kysely';
import type { Infrastructure } from '../bootstrap/infrastructure.js';
import { INFRASTRUCTURE } from '../tokens.js';

const SCHEMA = 'caretrack_bench';
const TABLE = 'baseline_rows';

/**
 * The benchmark's plain table: one INSERT per request, no lock, no read. It is what a
 * command is measured against (bench/README.md).
 *
 * @example
 * const id = await rows.insert({ clientId: 'c1', seq: 7 }); // '42'
 */
@Injectable()
export class BaselineRows implements OnModuleInit {
  private readonly db: Kysely<unknown>;

  constructor(@Inject(INFRASTRUCTURE) infrastructure: Infrastructure) {
    this.db = infrastructure.database.db;
  }

  /** Creates the schema and table if needed; safe to run twice. */
  async onModuleInit(): Promise<void> {
    await sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(SCHEMA)}`.execute(this.db);
    await sql`CREATE TABLE IF NOT EXISTS ${sql.id(SCHEMA, TABLE)} (
      id         bigserial   PRIMARY KEY,
      payload    jsonb       NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(this.db);
  }

  /** Inserts one row; answers its id as a decimal string. */
  async insert(payload: object): Promise<string> {
    const { rows } = await sql<{ id: string }>`INSERT INTO ${sql.id(SCHEMA, TABLE)} (payload)
      VALUES (${JSON.stringify(payload)}::jsonb) RETURNING id::text AS id`.execute(this.db);
    return rows[0]!.id;
  }
}
