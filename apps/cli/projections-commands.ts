import type { ApiClient } from './api-client.js';
import { groupedInteger, progressWriter, renderProgress, type Output } from './progress-bar.js';

type Status = {
  name: string;
  status: string;
  position: string | null;
  lag: number;
  stale: boolean;
  owner: string | null;
  lastError: { message: string; eventId: string | null } | null;
};
type Progress = {
  state: string;
  processed: number;
  total: number;
  eventsPerSecond: number | null;
  etaSeconds: number | null;
  differences: unknown;
  error: string | null;
  position: string | null;
};
/** A differing row as the API names it: key and column names (no values). */
type RowDifference = { key: object; columns: string[] | null };
type Verify = {
  name: string;
  position: string | null;
  matches: boolean;
  differences: {
    table: string;
    onlyLeft: number;
    onlyRight: number;
    examplesLeft: RowDifference[];
    examplesRight: RowDifference[];
  }[];
};

/** `projections list`: one line per projection. */
export async function listProjections(api: ApiClient, out: Output): Promise<number> {
  const { projections } = await api.get<{ projections: Status[] }>('/admin/projections');
  out.write(`${'NAME'.padEnd(28)}${'STATUS'.padEnd(13)}${'POSITION'.padEnd(12)}${'LAG'.padEnd(8)}ERROR\n`);
  for (const p of projections) {
    const error = p.lastError ? `${p.lastError.message} (event ${p.lastError.eventId ?? '?'})` : '';
    out.write(
      `${p.name.padEnd(28)}${p.status.padEnd(13)}${(p.position ?? '-').padEnd(12)}${String(p.lag).padEnd(8)}${error}\n`,
    );
  }
  return projections.some((p) => p.status === 'faulted') ? 1 : 0;
}

/** `projections rebuild <name>`: starts it, draws progress until it ends. Exit 0 swapped, 1 failed. */
export async function rebuildProjection(api: ApiClient, name: string, out: Output, pollMs = 250): Promise<number> {
  await api.post(`/admin/projections/${encodeURIComponent(name)}/rebuild`);
  const bar = progressWriter(out);
  for (;;) {
    const p = await api.get<Progress>(`/admin/projections/${encodeURIComponent(name)}/rebuild`);
    bar.update(renderProgress(p));
    if (['swapped', 'failed', 'abandoned'].includes(p.state)) {
      bar.done();
      if (p.state === 'swapped') {
        out.write(
          `rebuilt ${name}: ${groupedInteger(p.processed)} events, verified, swapped in at position ${p.position ?? '-'}\n`,
        );
        return 0;
      }
      out.write(`rebuild of ${name} ${p.state}: ${p.error ?? ''}\n`);
      if (p.differences) out.write(`${JSON.stringify(p.differences, null, 2)}\n`);
      return 1;
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** `projections verify <name>`: exit 0 when the table matches a replay, 1 with the differences. */
export async function verifyProjection(api: ApiClient, name: string, out: Output): Promise<number> {
  const report = await api.post<Verify>(`/admin/projections/${encodeURIComponent(name)}/verify`);
  if (report.matches) {
    out.write(`${name} matches a replay of the history up to position ${report.position ?? '-'}\n`);
    return 0;
  }
  out.write(`${name} differs from a replay of the history (position ${report.position ?? '-'}):\n`);
  for (const d of report.differences) {
    out.write(`  ${d.table}: ${d.onlyLeft} row(s) only in the table, ${d.onlyRight} only in the replay\n`);
    for (const row of d.examplesLeft)
      out.write(
        `    table:  ${JSON.stringify(row.key)} ${row.columns ? `differs in ${row.columns.join(', ')}` : 'has no counterpart'}\n`,
      );
    for (const row of d.examplesRight)
      out.write(
        `    replay: ${JSON.stringify(row.key)} ${row.columns ? `differs in ${row.columns.join(', ')}` : 'has no counterpart'}\n`,
      );
  }
  return 1;
}

/** `projections rollback <name>`. */
export async function rollbackProjection(api: ApiClient, name: string, out: Output): Promise<number> {
  const result = await api.post<{ position: string | null }>(`/admin/projections/${encodeURIComponent(name)}/rollback`);
  out.write(
    `${name} rolled back to its previous tables (position ${result.position ?? '-'}); the runner catches them up\n`,
  );
  return 0;
}
