import type { Kysely } from 'kysely';
import type { ReadDatabase } from '../../../projections/read-database.js';

/**
 * The read tables as kysely sees them: every table and column a query names is checked against
 * the projections' declarations (`projections/read-database.ts`).
 */
export type ReadDb = Kysely<ReadDatabase>;
