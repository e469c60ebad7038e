import { createHash } from 'node:crypto';
import type { ConfigKey, Projection } from './projection.js';

/** The text of each configuration file, as read at start. */
export type ConfigTexts = Record<ConfigKey, string>;

/**
 * A projection's fingerprint: its version, its table definitions and the configuration it
 * reads. Rows built under another fingerprint are `stale`.
 */
export function fingerprintOf(projection: Projection, config: ConfigTexts): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ name: projection.name, version: projection.version, tables: projection.tables }));
  for (const key of [...(projection.configKeys ?? [])].sort()) hash.update(`\n${key}\n${config[key]}`);
  return `v${projection.version}-${hash.digest('hex').slice(0, 16)}`;
}
