// @ts-check
/** The access record (auditors): who read which patient's data, paged, by patient and key. */
import { api } from './api.js';
import { el, formValues, replace, show, table } from './dom.js';

/**
 * @typedef {import('./types.js').AccessEntry} AccessEntry
 * @typedef {import('./types.js').Page<AccessEntry>} AccessPage
 */

const PAGE_SIZE = 50;

/** @param {HTMLElement} root */
export function accessPage(root) {
  const results = el('div', { id: 'access-results' });
  const form = /** @type {HTMLFormElement} */ (
    el(
      'form',
      { class: 'inline', id: 'access-form', onsubmit: (e) => (e.preventDefault(), void first()) },
      el('label', {}, 'Patient id', el('input', { name: 'patientId', placeholder: 'p1', size: 20 })),
      el('label', {}, 'Key id', el('input', { name: 'keyId', placeholder: '3f2a9c01b7de', size: 14 })),
      el('button', { type: 'submit', class: 'primary' }, 'Show reads'),
    )
  );
  replace(
    root,
    el(
      'section',
      { class: 'panel' },
      el('h2', {}, 'Access record'),
      el(
        'p',
        { class: 'muted' },
        'Every read of patient data, oldest first. The patient filter runs on the server; the key filter on the pages loaded here.',
      ),
      form,
      results,
    ),
  );

  /** @type {AccessEntry[]} */
  let loaded = [];
  /** @type {string | null} */
  let cursor = null;

  async function first() {
    loaded = [];
    cursor = null;
    await next();
  }

  async function next() {
    const filters = formValues(form);
    try {
      const page = /** @type {AccessPage} */ (
        await api('GET', '/audit/access', {
          query: { patientId: filters['patientId'], after: cursor ?? undefined, limit: PAGE_SIZE },
        })
      );
      loaded = [...loaded, ...page.items];
      cursor = page.nextCursor;
      const key = filters['keyId'];
      const items = key ? loaded.filter((entry) => entry.keyId === key) : loaded;
      replace(
        results,
        el(
          'p',
          { class: 'muted', 'data-testid': 'access-count' },
          `${items.length} read(s) shown of ${loaded.length} loaded${cursor ? '; more are recorded' : ''}.`,
        ),
        table(
          [
            { label: '#', num: true, cell: (a) => a.id },
            { label: 'At', cell: (a) => a.at },
            { label: 'Key id', cell: (a) => el('span', { class: 'mono' }, a.keyId) },
            { label: 'Role', cell: (a) => a.role },
            { label: 'Request', cell: (a) => el('span', { class: 'mono' }, `${a.method} ${a.endpoint}`) },
            { label: 'Patient', cell: (a) => show(a.patientId) },
            { label: 'Status', num: true, cell: (a) => String(a.status) },
          ],
          items,
          { empty: 'No reads match.' },
        ),
        cursor
          ? el('button', { type: 'button', id: 'access-more', onclick: () => void next() }, 'Load the next page')
          : null,
      );
    } catch (error) {
      replace(results, el('p', { class: 'error' }, error instanceof Error ? error.message : String(error)));
    }
  }

  void first();
}
