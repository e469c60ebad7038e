/** Where the CLI writes. */
export type Output = { write(text: string): void; isTTY?: boolean };

/**
 * An integer with thousands separators, as `toLocaleString('en')` writes it, without loading
 * ICU's number formats: that costs ~11 ms at its first use, the first progress line of a run.
 *
 * @example groupedInteger(1234567.4) // '1,234,567'
 */
export function groupedInteger(n: number): string {
  return Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * One line of progress: a bar on a terminal (redrawn in place), a plain line otherwise.
 *
 * @example renderProgress({ processed: 50, total: 200, eventsPerSecond: 1000, etaSeconds: 0.15 }, 30)
 */
export function renderProgress(
  p: { processed: number; total: number; eventsPerSecond: number | null; etaSeconds: number | null; state: string },
  width = 30,
): string {
  const ratio = p.total > 0 ? Math.min(1, p.processed / p.total) : 0;
  const filled = Math.round(ratio * width);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
  const rate = p.eventsPerSecond === null ? '–' : `${groupedInteger(p.eventsPerSecond)} ev/s`;
  const eta = p.etaSeconds === null ? '–' : `${Math.ceil(p.etaSeconds)}s`;
  return `${bar} ${(ratio * 100).toFixed(0).padStart(3)}% ${groupedInteger(p.processed)}/${groupedInteger(p.total)} events  ${rate}  ETA ${eta}  ${p.state}`;
}

/** Draws progress lines: in place on a terminal, one per update otherwise. */
export function progressWriter(out: Output) {
  return {
    update(line: string) {
      out.write(out.isTTY ? `\r${line}\x1b[K` : `${line}\n`);
    },
    done() {
      if (out.isTTY) out.write('\n');
    },
  };
}
