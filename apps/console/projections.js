// @ts-check
/** Projections (admins): live status and lag with its trend; rebuild, verify and rollback with live progress. */
import { api } from './api.js';
import { duration, el, json, replace, show, table } from './dom.js';
import { sparkline } from './sparkline.js';

/**
 * @typedef {import('./types.js').ProjectionHealth} ProjectionHealth
 * @typedef {import('./types.js').RebuildProgress} RebuildProgress
 * @typedef {import('./types.js').VerifyReport} VerifyReport
 * @typedef {import('./types.js').TableDifference} TableDifference
 */

const REFRESH_MS = 2000;
const PROGRESS_MS = 500;
const TREND_SAMPLES = 30;
const RUNNING = ['building', 'verifying', 'swapping'];

/** Lag samples per projection, kept across visits of the page (this tab only). */
/** @type {Map<string, number[]>} */
const trends = new Map();

/**
 * @param {HTMLElement} root
 * @returns {() => void} stops the page's timers
 */
export function projectionsPage(root) {
  const status = el('p', { class: 'muted', id: 'projections-updated' }, 'Loading…');
  const list = el('div', { id: 'projections-table' });
  const work = el('div', { id: 'work' });
  replace(root, el('section', { class: 'panel' }, el('h2', {}, 'Projections'), status, list), work);
  /** @type {Set<string>} */
  const watching = new Set();
  let stopped = false;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;

  async function refresh() {
    try {
      const { projections } = /** @type {{ projections: ProjectionHealth[] }} */ (
        await api('GET', '/admin/projections')
      );
      for (const p of projections) {
        const samples = [...(trends.get(p.name) ?? []), p.lag].slice(-TREND_SAMPLES);
        trends.set(p.name, samples);
        if (p.rebuild && RUNNING.includes(p.rebuild.state) && !watching.has(p.name)) void watchRebuild(p.name);
      }
      replace(list, projectionTable(projections, { rebuild: startRebuild, verify, rollback }));
      status.textContent = `Updated ${new Date().toLocaleTimeString()} · refreshes every ${REFRESH_MS / 1000} s`;
      status.className = 'muted';
    } catch (error) {
      status.textContent = `Could not load the projections: ${error instanceof Error ? error.message : String(error)}`;
      status.className = 'error';
    }
    if (!stopped) timer = setTimeout(refresh, REFRESH_MS);
  }

  /** @param {string} name */
  function panel(name) {
    const id = `work-${name}`;
    const existing = document.getElementById(id);
    if (existing) return existing;
    const created = el('section', { class: 'panel work', id });
    work.prepend(created);
    return created;
  }

  /** @param {string} name */
  async function startRebuild(name) {
    const box = panel(name);
    box.className = 'panel work';
    replace(box, el('h2', {}, `Rebuild ${name}`), el('p', {}, 'Starting…'));
    try {
      await api('POST', `/admin/projections/${encodeURIComponent(name)}/rebuild`);
      await watchRebuild(name);
    } catch (error) {
      failed(box, `Rebuild ${name}`, error);
    }
  }

  /** Polls the rebuild's progress until it ends. @param {string} name */
  async function watchRebuild(name) {
    watching.add(name);
    const box = panel(name);
    try {
      while (!stopped) {
        const progress = /** @type {RebuildProgress} */ (
          await api('GET', `/admin/projections/${encodeURIComponent(name)}/rebuild`)
        );
        drawProgress(box, progress);
        if (!RUNNING.includes(progress.state)) return;
        await new Promise((resolve) => setTimeout(resolve, PROGRESS_MS));
      }
    } catch (error) {
      failed(box, `Rebuild ${name}`, error);
    } finally {
      watching.delete(name);
    }
  }

  /** @param {string} name */
  async function verify(name) {
    const box = panel(name);
    box.className = 'panel work';
    replace(
      box,
      el('h2', {}, `Verify ${name}`),
      el('p', {}, 'Replaying the history and comparing it with the live tables…'),
    );
    try {
      const report = /** @type {VerifyReport} */ (
        await api('POST', `/admin/projections/${encodeURIComponent(name)}/verify`)
      );
      box.className = `panel work ${report.matches ? 'done' : 'failed'}`;
      box.dataset['state'] = report.matches ? 'verified' : 'differs';
      replace(
        box,
        el('h2', {}, `Verify ${name}`),
        el(
          'p',
          { class: report.matches ? 'good' : 'bad', 'data-testid': 'verify-result' },
          report.matches
            ? `0 differences: the live tables equal a replay of the history up to position ${show(report.position)}.`
            : `${report.differences.length} table(s) differ from a replay up to position ${show(report.position)}.`,
        ),
        differencesTable(report.differences, 'live table', 'replay'),
      );
    } catch (error) {
      failed(box, `Verify ${name}`, error);
    }
  }

  /** @param {string} name */
  async function rollback(name) {
    if (!window.confirm(`Swap the previous tables of ${name} back in?`)) return;
    const box = panel(name);
    box.className = 'panel work';
    replace(box, el('h2', {}, `Rollback ${name}`), el('p', {}, 'Swapping the previous tables back…'));
    try {
      const result = /** @type {{ position: string | null, fingerprint: string }} */ (
        await api('POST', `/admin/projections/${encodeURIComponent(name)}/rollback`)
      );
      box.className = 'panel work done';
      box.dataset['state'] = 'rolled_back';
      replace(
        box,
        el('h2', {}, `Rollback ${name}`),
        el(
          'p',
          { class: 'good' },
          `Rolled back to position ${show(result.position)} (fingerprint ${result.fingerprint}); the runner catches it up.`,
        ),
      );
    } catch (error) {
      failed(box, `Rollback ${name}`, error);
    }
  }

  void refresh();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

/**
 * @param {ProjectionHealth[]} projections
 * @param {{ rebuild: (name: string) => void, verify: (name: string) => void, rollback: (name: string) => void }} actions
 */
function projectionTable(projections, actions) {
  return table(
    [
      { label: 'Projection', cell: (p) => el('strong', {}, p.name) },
      {
        label: 'Status',
        cell: (p) =>
          el('span', { class: `badge status-${p.status}`, 'data-testid': 'status' }, p.status.replace('_', ' ')),
      },
      { label: 'Position', num: true, cell: (p) => show(p.position) },
      { label: 'Lag (events)', num: true, cell: (p) => String(p.lag) },
      { label: 'Lag (time)', num: true, cell: (p) => duration(p.lagSeconds) },
      {
        label: 'Lag trend',
        cell: (p) =>
          sparkline(
            trends.get(p.name) ?? [],
            `lag of ${p.name} over the last ${TREND_SAMPLES} samples: ${(trends.get(p.name) ?? []).join(', ')} events`,
          ),
      },
      {
        label: 'Last progress',
        num: true,
        cell: (p) => (p.secondsSinceProgress === null ? '—' : `${duration(p.secondsSinceProgress)} ago`),
      },
      {
        label: 'Fingerprint',
        cell: (p) =>
          el(
            'span',
            { class: 'mono', title: p.stale ? `rows built with ${p.builtWith}` : p.fingerprint },
            p.fingerprint.slice(0, 14),
          ),
      },
      {
        label: 'Stale',
        cell: (p) =>
          p.stale ? el('span', { class: 'warn' }, 'stale: rebuild it') : el('span', { class: 'muted' }, 'no'),
      },
      {
        label: 'Last error',
        cell: (p) =>
          p.lastError
            ? [
                el('span', { class: 'error' }, p.lastError.message),
                el('br'),
                el('span', { class: 'mono muted' }, `event ${show(p.lastError.eventId)}`),
              ]
            : el('span', { class: 'muted' }, '—'),
      },
      {
        label: 'Actions',
        cell: (p) =>
          el(
            'div',
            { class: 'actions' },
            el(
              'button',
              {
                type: 'button',
                'data-action': 'rebuild',
                disabled: p.status === 'rebuilding',
                onclick: () => actions.rebuild(p.name),
              },
              'Rebuild',
            ),
            el('button', { type: 'button', 'data-action': 'verify', onclick: () => actions.verify(p.name) }, 'Verify'),
            el(
              'button',
              {
                type: 'button',
                'data-action': 'rollback',
                disabled: p.status === 'rebuilding',
                onclick: () => actions.rollback(p.name),
              },
              'Rollback',
            ),
          ),
      },
    ],
    projections,
    { rowAttributes: (p) => ({ 'data-projection': p.name }) },
  );
}

/**
 * @param {HTMLElement} box
 * @param {RebuildProgress} progress
 */
function drawProgress(box, progress) {
  const percent =
    progress.state === 'swapped'
      ? 100
      : progress.total > 0
        ? Math.floor((progress.processed / progress.total) * 100)
        : 0;
  const done = progress.state === 'swapped';
  const bad = ['failed', 'abandoned'].includes(progress.state);
  box.className = `panel work${done ? ' done' : bad ? ' failed' : ''}`;
  box.dataset['state'] = progress.state;
  const stateText = {
    building: 'building the new tables beside the live ones',
    verifying: 'verifying them against an independent replay',
    swapping: 'catching up and swapping them in',
    swapped: 'swapped: the rebuilt tables are live',
    failed: 'failed: the live tables were kept',
    rolled_back: 'rolled back afterwards',
    abandoned: 'abandoned: its process stopped',
  }[progress.state];
  replace(
    box,
    el('h2', {}, `Rebuild ${progress.name}`),
    el('progress', { max: 100, value: percent, 'aria-label': `rebuild of ${progress.name}` }),
    el(
      'div',
      { class: 'figures' },
      el('span', {}, el('strong', { 'data-testid': 'percent' }, `${percent} %`)),
      el('span', {}, `${progress.processed.toLocaleString()} / ${progress.total.toLocaleString()} events`),
      el(
        'span',
        {},
        el(
          'strong',
          {},
          progress.eventsPerSecond === null ? '—' : Math.round(progress.eventsPerSecond).toLocaleString(),
        ),
        ' events/s',
      ),
      el('span', {}, 'ETA ', el('strong', {}, done ? 'done' : duration(progress.etaSeconds))),
      el('span', { 'data-testid': 'state', class: done ? 'good' : bad ? 'bad' : '' }, stateText),
    ),
    progress.error ? el('p', { class: 'error' }, progress.error) : null,
    progress.differences && progress.differences.length > 0
      ? differencesTable(progress.differences, 'shadow', 'replay')
      : null,
  );
}

/**
 * @param {TableDifference[]} differences
 * @param {string} left
 * @param {string} right
 */
function differencesTable(differences, left, right) {
  if (differences.length === 0) return null;
  return table(
    [
      { label: 'Table', cell: (d) => d.table },
      { label: `Rows only in the ${left}`, num: true, cell: (d) => String(d.onlyLeft) },
      { label: `Rows only in the ${right}`, num: true, cell: (d) => String(d.onlyRight) },
      { label: `Examples (${left})`, cell: (d) => json(d.examplesLeft) },
      { label: `Examples (${right})`, cell: (d) => json(d.examplesRight) },
    ],
    differences,
  );
}

/**
 * @param {HTMLElement} box
 * @param {string} title
 * @param {unknown} error
 */
function failed(box, title, error) {
  box.className = 'panel work failed';
  box.dataset['state'] = 'error';
  replace(
    box,
    el('h2', {}, title),
    el('p', { class: 'error' }, error instanceof Error ? error.message : String(error)),
  );
}
