import { defaultLegacyMap, LegacyMapError, parseLegacyMap } from './legacy-map.js';

describe('the legacy map', () => {
  it('is the seeds own names by default', () => {
    expect(defaultLegacyMap.table('report_status')).toBe('report_status');
    expect(defaultLegacyMap.column('symptom_log_export', 'timestamp')).toBe('timestamp');
  });

  it('renames tables and columns, and says a column is missing with null', () => {
    const map = parseLegacyMap(
      'tables:\n  patients:\n    table: athletes\n    columns: { first_name: given_name, age_group: null }\n',
      'map.yaml',
    );
    expect(map.table('patients')).toBe('athletes');
    expect(map.column('patients', 'first_name')).toBe('given_name');
    expect(map.column('patients', 'age_group')).toBeNull();
    expect(map.column('patients', 'last_name')).toBe('last_name');
    expect(map.table('doctors')).toBe('doctors');
  });

  it('an empty file is the default map', () => {
    expect(parseLegacyMap('', 'empty.yaml').table('sessions')).toBe('sessions');
  });

  it('names every problem with its path: unknown tables, unknown columns, bad names, not YAML', () => {
    const problems = (text: string) => {
      try {
        parseLegacyMap(text, 'map.yaml');
        return [];
      } catch (error) {
        expect(error).toBeInstanceOf(LegacyMapError);
        return (error as LegacyMapError).problems.map((p) => p.path);
      }
    };
    expect(problems('tables:\n  athletes: {}\n  patients:\n    columns: { nick: x, first_name: "" }\n')).toEqual(
      expect.arrayContaining(['tables.athletes', 'tables.patients.columns.nick', 'tables.patients.columns.first_name']),
    );
    expect(problems('tabels: {}\n')).toEqual(['tabels']);
    expect(problems('tables: [\n')).toEqual(['']);
  });
});
