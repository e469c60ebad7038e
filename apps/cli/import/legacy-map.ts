import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { legacyColumns, legacyTableNames, type LegacyTableName } from './legacy-schema.js';

/**
 * Where each seed table and column lives in a legacy database whose names differ from the
 * seeds'. The default is the seeds' own names.
 *
 * ```yaml
 * tables:
 *   patients:
 *     table: athletes              # the legacy table's name
 *     columns:
 *       patient_id: athlete_id     # seed column: legacy column
 *       age_group: null            # this legacy table has no such column
 *   symptom_log_export:
 *     columns: { timestamp: logged_at }
 * ```
 */
export type LegacyMap = {
  /** the legacy table holding a seed table */
  table(name: LegacyTableName): string;
  /** the legacy column holding a seed column, or null when the legacy table has none */
  column(table: LegacyTableName, column: string): string | null;
};

/** A map file that cannot be used: every problem with its path in the file. */
export class LegacyMapError extends Error {
  constructor(
    readonly file: string,
    readonly problems: { path: string; message: string }[],
  ) {
    super(`invalid map ${file}: ${problems.map((p) => `${p.path || '(file)'}: ${p.message}`).join('; ')}`);
    this.name = 'LegacyMapError';
  }
}

const identifier = z.string().min(1).max(63);

const TableEntrySchema = z
  .object({ table: identifier.optional(), columns: z.record(z.string(), identifier.nullable()).optional() })
  .strict();

const MapFileSchema = z
  .object({
    tables: z
      .partialRecord(
        z.enum(legacyTableNames, { error: () => `not a seed table (${legacyTableNames.join(', ')})` }),
        TableEntrySchema,
      )
      .optional(),
  })
  .strict()
  .superRefine((file, ctx) => {
    for (const table of legacyTableNames) {
      const entry = file.tables?.[table];
      if (!entry) continue;
      const known = legacyColumns(table);
      for (const column of Object.keys(entry.columns ?? {}))
        if (!known.includes(column))
          ctx.addIssue({
            code: 'custom',
            path: ['tables', table, 'columns', column],
            message: `not a column of the seed table ${table} (${known.join(', ')})`,
          });
    }
  });

type MapFile = z.infer<typeof MapFileSchema>;

/** The seeds' own names. */
export const defaultLegacyMap: LegacyMap = fromFile({});

/**
 * Reads a map from YAML text; `file` names it in errors.
 *
 * @example parseLegacyMap('tables: { patients: { table: athletes } }', 'map.yaml').table('patients') // 'athletes'
 */
export function parseLegacyMap(text: string, file: string): LegacyMap {
  let document: unknown;
  try {
    document = parseYaml(text) ?? {};
  } catch (error) {
    throw new LegacyMapError(file, [
      { path: '', message: `not YAML: ${error instanceof Error ? error.message : String(error)}` },
    ]);
  }
  const parsed = MapFileSchema.safeParse(document);
  if (!parsed.success)
    throw new LegacyMapError(
      file,
      parsed.error.issues.map((issue) => ({
        path:
          issue.code === 'unrecognized_keys'
            ? [...issue.path, ...issue.keys].join('.')
            : issue.path.map(String).join('.'),
        message: issue.code === 'unrecognized_keys' ? 'unknown key' : issue.message,
      })),
    );
  return fromFile(parsed.data);
}

function fromFile(file: MapFile): LegacyMap {
  return {
    table: (name) => file.tables?.[name]?.table ?? name,
    column: (table, column) => {
      const columns = file.tables?.[table]?.columns;
      return columns && Object.hasOwn(columns, column) ? columns[column]! : column;
    },
  };
}
