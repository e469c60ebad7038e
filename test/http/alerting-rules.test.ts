import { readFile } from 'node:fs/promises';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { AppMetrics } from '../../apps/api/metrics/app-metrics.js';

type Rule = { alert: string; expr: string; for?: string };

async function rulesOfAlertingDoc(): Promise<Rule[]> {
  const markdown = await readFile(new URL('../../docs/alerting.md', import.meta.url), 'utf8');
  const block = /```yaml\n([\s\S]*?)```/.exec(markdown);
  if (!block) throw new Error('docs/alerting.md has no yaml block');
  const document = parse(block[1]!) as { groups: { rules: Rule[] }[] };
  return document.groups.flatMap((g) => g.rules);
}

describe('docs/alerting.md', () => {
  it('names only metrics the service exports (histograms by their _bucket, _sum and _count series)', async () => {
    const metrics = new AppMetrics();
    const exported = new Set(
      metrics.registry.getMetricsAsArray().flatMap((m) => {
        const name = m.name;
        return [name, `${name}_bucket`, `${name}_sum`, `${name}_count`];
      }),
    );
    const rules = await rulesOfAlertingDoc();
    const named = rules.flatMap((r) => [...r.expr.matchAll(/\b(caretrack_[a-z_]+)/g)].map((m) => m[1]!));
    expect(named.length).toBeGreaterThan(5);
    expect(named.filter((name) => !exported.has(name))).toEqual([]);
  });

  it('alerts on a faulted projection, on lag above N seconds and on no progress for 5 minutes', async () => {
    const exprs = (await rulesOfAlertingDoc()).map((r) => r.expr);
    expect(exprs).toEqual(
      expect.arrayContaining([
        'caretrack_projection_status{status="faulted"} == 1',
        'caretrack_projection_lag_seconds > 60',
        'caretrack_projection_lag_events > 0 and caretrack_projection_seconds_since_progress > 300',
      ]),
    );
  });
});
