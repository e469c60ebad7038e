/** The media type of CSV responses. */
export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

/** The quality (0–1) `accept` gives `type/subtype` by an exact entry, 0 when it lists none. */
function qualityOf(accept: string, mediaType: string): number {
  let quality = 0;
  for (const entry of accept.split(',')) {
    const [range, ...params] = entry.split(';').map((part) => part.trim().toLowerCase());
    if (range !== mediaType) continue;
    const q = params.find((param) => param.startsWith('q='));
    const value = q === undefined ? 1 : Number(q.slice(2));
    if (Number.isFinite(value)) quality = Math.max(quality, Math.min(1, Math.max(0, value)));
  }
  return quality;
}

/**
 * True when the client asks for CSV: `Accept` names `text/csv` with a quality above that of
 * `application/json`. JSON is the default (no header, `*\/*`, a tie, anything else).
 *
 * @example prefersCsv('text/csv') // true;  prefersCsv('application/json, text/csv;q=0.5') // false
 */
export function prefersCsv(accept: string | undefined): boolean {
  if (!accept) return false;
  return qualityOf(accept, 'text/csv') > qualityOf(accept, 'application/json');
}
