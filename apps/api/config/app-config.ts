import { resolve } from 'node:path';
import { z } from 'zod';
import { MASTER_KEY_FORMAT, MasterKey } from '../../../libs/personal-data/master-key.js';

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
  HOST: z
    .string()
    .regex(
      /^([A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$/,
      'must be an IP address or host name, e.g. 127.0.0.1, :: or 0.0.0.0',
    )
    .default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  AUTH_FAILURE_LIMIT: z.coerce.number().int().min(1).max(100_000).default(10),
  TRUST_PROXY: z
    .string()
    .regex(
      /^(true|false|[0-9A-Fa-f:./]+(,[0-9A-Fa-f:./]+)*)$/,
      'must be true, false, or comma-separated proxy addresses/CIDRs',
    )
    .optional(),
  LOG_LEVEL: z.enum(logLevels).default('info'),
  API_KEYS: z.string().optional(),
  API_KEYS_FILE: z.string().optional(),
  TRIAGE_MAP_PATH: z.string().default('projections/config/triage_map.yaml'),
  STAGES_PATH: z.string().default('projections/config/stages.yaml'),
  PROJECTION_LEASE_MS: z.coerce.number().int().min(500).max(600_000).default(10_000),
  BENCH_ENDPOINTS: z.enum(['0', '1', 'true', 'false']).default('0'),
  // The message never repeats the value: it is a secret.
  DATA_KEY: z
    .string()
    .transform(
      (text, ctx) =>
        MasterKey.parse(text) ?? (ctx.addIssue({ code: 'custom', message: `must be ${MASTER_KEY_FORMAT}` }), z.NEVER),
    )
    .optional(),
  DATA_KEY_FILE: z.string().optional(),
  CARETRACK_ROLE: z.enum(processRoles, { error: `must be one of ${processRoles.join(', ')}` }).default('all'),
});

/** The service's configuration: read once from the environment at start, then passed down. */
export type AppConfig = {
  /** PostgreSQL server for read tables (and events when no EventStoreDB); absent: embedded PGlite */
  databaseUrl?: string;
  eventStoreUrl?: string;
  /** absolute; holds the embedded database and generated key hashes */
  dataDir: string;
  /** listen address (SPEC §8: default 0.0.0.0, every interface) */
  host: string;
  port: number;
  /** failed authentications one client address may make per minute before it gets 429 */
  authFailureLimit: number;
  /**
   * Fastify's `trustProxy`: which reverse proxies may name the client address in
   * X-Forwarded-For (it decides whose failed authentications are counted together)
   */
  trustProxy: boolean | string[];
  logLevel: (typeof logLevels)[number];
  apiKeys?: string;
  apiKeysFile?: string;
  triageMapPath: string;
  stagesPath: string;
  /** how long a projection lease lives without renewal: another instance takes over after it */
  projectionLeaseMs: number;
  /** serve the benchmark baseline endpoints (bench/ only; never in production) */
  benchEndpoints: boolean;
  /** the master key of personal data from DATA_KEY (prints only its id); else `dataKeyFile`, else generated under `dataDir` */
  dataKey?: MasterKey;
  dataKeyFile?: string;
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
  if (e.DATA_KEY && e.DATA_KEY_FILE !== undefined) {
    throw new ConfigError([{ variable: 'DATA_KEY_FILE', message: 'set DATA_KEY or DATA_KEY_FILE, not both' }]);
  }
  return {
    databaseUrl: e.DATABASE_URL,
    eventStoreUrl: e.EVENTSTORE_URL,
    dataDir: resolve(e.DATA_DIR),
    host: e.HOST,
    port: e.PORT,
    authFailureLimit: e.AUTH_FAILURE_LIMIT,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    logLevel: e.LOG_LEVEL,
    apiKeys: e.API_KEYS,
    apiKeysFile: e.API_KEYS_FILE,
    triageMapPath: resolve(e.TRIAGE_MAP_PATH),
    stagesPath: resolve(e.STAGES_PATH),
    projectionLeaseMs: e.PROJECTION_LEASE_MS,
    benchEndpoints: e.BENCH_ENDPOINTS === '1' || e.BENCH_ENDPOINTS === 'true',
    ...(e.DATA_KEY ? { dataKey: e.DATA_KEY } : {}),
    ...(e.DATA_KEY_FILE !== undefined ? { dataKeyFile: resolve(e.DATA_KEY_FILE) } : {}),
    role: e.CARETRACK_ROLE,
  };
}

function parseTrustProxy(value: string | undefined): boolean | string[] {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  return value.split(',');
}
