import { resolve } from 'node:path';
import { z } from 'zod';

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** What a process does (SPEC §8): `all` serves HTTP and projects, `api` only serves, `projector` only projects. */
export const processRoles = ['all', 'api', 'projector'] as const;
export type ProcessRole = (typeof processRoles)[number];

const envSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  EVENTSTORE_URL: z
    .string()
    .regex(/^esdb(\+discover)?:\/\//, 'must be an esdb:// or esdb+discover:// URL')
    .optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  LOG_LEVEL: z.enum(logLevels).default('info'),
  API_KEYS: z.string().optional(),
  API_KEYS_FILE: z.string().optional(),
  TRIAGE_MAP_PATH: z.string().default('projections/config/triage_map.yaml'),
  STAGES_PATH: z.string().default('projections/config/stages.yaml'),
  PROJECTION_LEASE_MS: z.coerce.number().int().min(500).max(600_000).default(10_000),
  BENCH_ENDPOINTS: z.enum(['0', '1', 'true', 'false']).default('0'),
  CARETRACK_ROLE: z.enum(processRoles, { error: `must be one of ${processRoles.join(', ')}` }).default('all'),
});

/** The service's configuration: read once from the environment at start, then passed down. */
export type AppConfig = {
  /** PostgreSQL server for read tables (and events when no EventStoreDB); absent: embedded PGlite */
  databaseUrl?: string;
  eventStoreUrl?: string;
  /** absolute; holds the embedded database and generated key hashes */
  dataDir: string;
  port: number;
  logLevel: (typeof logLevels)[number];
  apiKeys?: string;
  apiKeysFile?: string;
  triageMapPath: string;
  stagesPath: string;
  /** how long a projection lease lives without renewal: another instance takes over after it */
  projectionLeaseMs: number;
  /** serve the benchmark baseline endpoints (bench/ only; never in production) */
  benchEndpoints: boolean;
  /**
   * `all`: HTTP and the projection runner; `api`: HTTP only (never projects; read-your-writes
   * waits on the checkpoints another process writes); `projector`: the runner, and over HTTP
   * only /health, /ready (and /metrics once it exists)
   */
  role: ProcessRole;
};

/** A bad environment: every bad variable with its message. */
export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(`invalid configuration: ${problems.map((p) => `${p.variable}: ${p.message}`).join('; ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Validates the environment. Empty strings count as unset.
 *
 * @example
 * const config = loadConfig(process.env); // once, in main.ts
 */
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => ({ variable: String(i.path[0] ?? ''), message: i.message })));
  }
  const e = parsed.data;
  return {
    databaseUrl: e.DATABASE_URL,
    eventStoreUrl: e.EVENTSTORE_URL,
    dataDir: resolve(e.DATA_DIR),
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    apiKeys: e.API_KEYS,
    apiKeysFile: e.API_KEYS_FILE,
    triageMapPath: resolve(e.TRIAGE_MAP_PATH),
    stagesPath: resolve(e.STAGES_PATH),
    projectionLeaseMs: e.PROJECTION_LEASE_MS,
    benchEndpoints: e.BENCH_ENDPOINTS === '1' || e.BENCH_ENDPOINTS === 'true',
    role: e.CARETRACK_ROLE,
  };
}
