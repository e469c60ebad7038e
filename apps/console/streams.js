// @ts-check
/** Streams (auditors): one stream or the global log with filters, an event's detail, the integrity check. */
import { api } from './api.js';
import { el, formValues, json, replace, show, table } from './dom.js';

/**
 * @typedef {import('./types.js').AuditEvent} AuditEvent
 * @typedef {import('./types.js').IntegrityReport} IntegrityReport
 * @typedef {import('./types.js').Page<AuditEvent>} EventPage
 */

/** @param {HTMLElement} root */
export function streamsPage(root) {
  const results = el('div', { id: 'events' });
  const detail = el('div', { id: 'event-detail' });
  const integrity = el('div', { id: 'integrity-result', class: 'result' });
  /** @type {AuditEvent[]} */
  let shown = [];
  /** @type {(() => Promise<void>) | null} */
  let more = null;

  const streamForm = /** @type {HTMLFormElement} */ (
    el(
      'form',
      {
        class: 'inline',
        id: 'stream-form',
        onsubmit: (e) => (e.preventDefault(), void openStream(formValues(streamForm)['streamId'] ?? '')),
      },
      el(
        'label',
        {},
        'Stream id',
        el('input', { name: 'streamId', required: true, placeholder: 'patient-p1', size: 32, maxlength: 200 }),
      ),
      el('button', { type: 'submit', class: 'primary' }, 'Open stream'),
    )
  );
  const logForm = /** @type {HTMLFormElement} */ (
    el(
      'form',
      { class: 'inline', id: 'log-form', onsubmit: (e) => (e.preventDefault(), void searchLog(formValues(logForm))) },
      el(
        'label',
        {},
        'Event types (comma-separated)',
        el('input', { name: 'type', placeholder: 'PatientRegistered,SymptomLogged', size: 30 }),
      ),
      el('label', {}, 'Actor key id', el('input', { name: 'actor', placeholder: '3f2a9c01b7de', size: 14 })),
      el('label', {}, 'Recorded from', el('input', { name: 'from', type: 'datetime-local', step: 1 })),
      el('label', {}, 'to', el('input', { name: 'to', type: 'datetime-local', step: 1 })),
      el('button', { type: 'submit' }, 'Search the log'),
    )
  );

  replace(
    root,
    el(
      'section',
      { class: 'panel' },
      el('h2', {}, 'Streams and the global log'),
      streamForm,
      el('h3', {}, 'or the global log, filtered'),
      logForm,
    ),
    el(
      'div',
      { class: 'columns' },
      el('section', { class: 'panel' }, el('h2', {}, 'Events'), results),
      el('section', { class: 'panel' }, el('h2', {}, 'Event'), detail),
    ),
    el(
      'section',
      { class: 'panel' },
      el('h2', {}, 'Integrity'),
      el('p', {}, 'Walks every stream’s hash chain: proves no stored event was altered, removed or reordered.'),
      el('button', { type: 'button', id: 'integrity-check', onclick: () => void check() }, 'Run the integrity check'),
      integrity,
    ),
  );
  replace(detail, el('p', { class: 'muted' }, 'Choose an event to see its data, metadata and hash.'));
  replace(results, el('p', { class: 'muted' }, 'Open a stream or search the log.'));

  /** @param {string} streamId */
  async function openStream(streamId) {
    more = null;
    await load(async () => {
      const body = /** @type {{ streamId: string, events: AuditEvent[] }} */ (
        await api('GET', `/audit/streams/${encodeURIComponent(streamId)}`)
      );
      return { items: body.events, nextCursor: null, title: `Stream ${body.streamId}: ${body.events.length} event(s)` };
    }, false);
  }

  /** @param {Record<string, string>} filters */
  async function searchLog(filters) {
    /** @param {string | null} after */
    const page = async (after) => {
      const query = {
        type: filters['type'],
        actor: filters['actor'],
        from: isoOf(filters['from']),
        to: isoOf(filters['to']),
        after: after ?? undefined,
        limit: 100,
      };
      const body = /** @type {EventPage} */ (await api('GET', '/audit/events', { query }));
      return { ...body, title: 'The global log' };
    };
    more = () => load(() => page(lastCursor), true);
    await load(() => page(null), false);
  }

  /** the cursor of the next page of the log, when there is one */
  /** @type {string | null} */
  let lastCursor = null;

  /**
   * @param {() => Promise<{ items: AuditEvent[], nextCursor: string | null, title: string }>} fetchPage
   * @param {boolean} appendToShown
   */
  async function load(fetchPage, appendToShown) {
    try {
      const page = await fetchPage();
      shown = appendToShown ? [...shown, ...page.items] : page.items;
      lastCursor = page.nextCursor;
      replace(
        results,
        el('p', { class: 'muted' }, page.title),
        table(
          [
            { label: 'Position', num: true, cell: (e) => e.position },
            { label: 'Stream', cell: (e) => e.streamId },
            { label: 'Rev', num: true, cell: (e) => e.revision },
            { label: 'Type', cell: (e) => e.type },
            { label: 'Recorded', cell: (e) => e.recordedAt },
            { label: 'Actor', cell: (e) => el('span', { class: 'mono' }, show(e.metadata.actor?.id)) },
          ],
          shown,
          {
            rowAttributes: (e) => ({
              class: 'clickable',
              tabindex: 0,
              'data-event-id': e.id,
              onclick: (ev) => select(e, ev),
              onkeydown: (ev) => (/** @type {KeyboardEvent} */ (ev).key === 'Enter' ? select(e, ev) : undefined),
            }),
            empty: 'No events match.',
          },
        ),
        page.nextCursor && more ? el('button', { type: 'button', onclick: () => void more?.() }, 'Next events') : null,
      );
      const first = shown[0];
      if (first && !appendToShown) select(first);
    } catch (error) {
      replace(results, el('p', { class: 'error' }, error instanceof Error ? error.message : String(error)));
    }
  }

  /**
   * @param {AuditEvent} event
   * @param {Event} [ui]
   */
  function select(event, ui) {
    for (const row of results.querySelectorAll('tr.selected')) row.classList.remove('selected');
    const row =
      ui?.currentTarget instanceof HTMLElement
        ? ui.currentTarget
        : results.querySelector(`tr[data-event-id="${CSS.escape(event.id)}"]`);
    row?.classList.add('selected');
    replace(
      detail,
      el(
        'dl',
        { class: 'kv' },
        [
          ['Type', event.type],
          ['Id', event.id],
          ['Stream', `${event.streamId} @ revision ${event.revision}`],
          ['Position', event.position],
          ['Recorded', event.recordedAt],
        ].flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]),
        el('dt', {}, 'Hash'),
        el('dd', { class: 'mono', 'data-testid': 'event-hash' }, show(event.hash)),
      ),
      el('h3', {}, 'Data'),
      json(event.data, { 'data-testid': 'event-data' }),
      el('h3', {}, 'Metadata'),
      json(event.metadata, { 'data-testid': 'event-metadata' }),
    );
  }

  async function check() {
    const button = /** @type {HTMLButtonElement} */ (document.getElementById('integrity-check'));
    button.disabled = true;
    replace(integrity, el('p', {}, 'Checking every stream…'));
    try {
      const report = /** @type {IntegrityReport} */ (await api('GET', '/audit/integrity'));
      integrity.dataset['clean'] = String(report.clean);
      replace(
        integrity,
        el(
          'p',
          { class: report.clean ? 'good' : 'bad', 'data-testid': 'integrity-summary' },
          report.clean
            ? `Clean: ${report.events} events in ${report.streams} streams, every hash chain intact.`
            : `${report.problems.length} problem(s) in ${report.events} events of ${report.streams} streams.`,
        ),
        report.problems.length
          ? table(
              [
                { label: 'Stream', cell: (p) => p.stream },
                { label: 'Revision', num: true, cell: (p) => p.revision },
                { label: 'Kind', cell: (p) => el('span', { class: 'bad' }, p.kind) },
                { label: 'Detail', cell: (p) => p.detail },
              ],
              report.problems,
            )
          : null,
      );
    } catch (error) {
      replace(integrity, el('p', { class: 'error' }, error instanceof Error ? error.message : String(error)));
    } finally {
      button.disabled = false;
    }
  }
}

/**
 * A `datetime-local` value (the browser's local time) as ISO-8601 UTC, or undefined.
 * @param {string | undefined} local
 */
function isoOf(local) {
  return local ? new Date(local).toISOString() : undefined;
}
