// @ts-check
/**
 * A patient: statistics, timeline and tracker row. Admins see the read tables now (query
 * endpoints); auditors see them as the history stood at a chosen time (as-of).
 */
import { api } from './api.js';
import { el, formValues, keyValues, replace, show, table } from './dom.js';

/**
 * @typedef {import('./types.js').Principal} Principal
 * @typedef {Record<string, unknown>} Row
 */

/**
 * @param {HTMLElement} root
 * @param {Principal} who
 */
export function patientPage(root, who) {
  const asOf = who.role === 'auditor';
  const results = el('div', { id: 'patient-results' });
  const form = /** @type {HTMLFormElement} */ (
    el(
      'form',
      { class: 'inline', id: 'patient-form', onsubmit: (e) => (e.preventDefault(), void load(formValues(form))) },
      el('label', {}, 'Patient id', el('input', { name: 'patientId', required: true, placeholder: 'p1', size: 20 })),
      asOf
        ? el(
            'label',
            {},
            'As of (your local time)',
            el('input', { name: 'at', type: 'datetime-local', step: 1, value: localNow() }),
          )
        : null,
      el('button', { type: 'submit', class: 'primary' }, asOf ? 'Show as of this time' : 'Show'),
    )
  );
  replace(
    root,
    el(
      'section',
      { class: 'panel' },
      el('h2', {}, 'Patient'),
      el(
        'p',
        { class: 'muted' },
        asOf
          ? 'Replays the history recorded up to the chosen time into scratch tables.'
          : 'The live read tables. An auditor key shows them as of any past time.',
      ),
      form,
    ),
    results,
  );

  /** @param {Record<string, string>} values */
  async function load(values) {
    const id = values['patientId'] ?? '';
    replace(results, el('p', { class: 'muted' }, 'Loading…'));
    try {
      const view = asOf ? await loadAsOf(id, values['at']) : await loadCurrent(id);
      replace(
        results,
        el('p', { class: 'muted', 'data-testid': 'patient-as-of' }, view.caption),
        el(
          'div',
          { class: 'columns' },
          el('section', { class: 'panel' }, el('h2', {}, 'Statistics'), keyValues(view.statistics)),
          el('section', { class: 'panel' }, el('h2', {}, 'Tracker'), keyValues(view.tracker)),
          view.patient ? el('section', { class: 'panel' }, el('h2', {}, 'Patient'), keyValues(view.patient)) : null,
        ),
        el(
          'section',
          { class: 'panel' },
          el('h2', {}, `Timeline (${view.timeline.length})`),
          table(
            [
              { label: 'Date', cell: (r) => show(r['event_date']) },
              { label: 'Event', cell: (r) => show(r['event_type']) },
              { label: 'Severity', cell: (r) => show(r['severity']) },
              { label: 'Title', cell: (r) => show(r['title']) },
              { label: 'Description', cell: (r) => show(r['description']) },
              { label: 'Source', cell: (r) => `${show(r['source_type'])} ${show(r['source_id'])}` },
            ],
            view.timeline,
            { empty: 'No timeline entries.' },
          ),
        ),
      );
    } catch (error) {
      replace(results, el('p', { class: 'error' }, error instanceof Error ? error.message : String(error)));
    }
  }
}

/**
 * @param {string} id
 * @param {string | undefined} local
 */
async function loadAsOf(id, local) {
  const at = local ? new Date(local).toISOString() : new Date().toISOString();
  const body = /** @type {{ at: string, statistics: Row | null, timeline: Row[], tracker: Row | null }} */ (
    await api('GET', `/audit/patients/${encodeURIComponent(id)}/as-of`, { query: { at } })
  );
  return {
    caption: `As the history stood at ${body.at}.`,
    statistics: body.statistics,
    timeline: body.timeline,
    tracker: body.tracker,
    patient: null,
  };
}

/** @param {string} id */
async function loadCurrent(id) {
  const path = `/patients/${encodeURIComponent(id)}`;
  const [patient, statistics, timeline, tracker] = await Promise.all([
    api('GET', path),
    api('GET', `${path}/statistics`),
    api('GET', `${path}/timeline`, { query: { limit: 500 } }),
    api('GET', '/exports/tracker'),
  ]);
  const rows = /** @type {{ items: Row[] }} */ (tracker).items;
  return {
    caption: `The read tables now (${new Date().toLocaleString()}).`,
    patient: /** @type {Row} */ (patient),
    statistics: /** @type {Row} */ (statistics),
    timeline: /** @type {{ items: Row[] }} */ (timeline).items,
    tracker: rows.find((r) => r['user_id'] === id) ?? null,
  };
}

/** Now, as a `datetime-local` value. */
function localNow() {
  const now = new Date();
  now.setMinutes(now.getMinutes() - now.getTimezoneOffset());
  return now.toISOString().slice(0, 19);
}
