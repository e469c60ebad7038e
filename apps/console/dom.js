// @ts-check
/** Small DOM helpers. Text always goes in as textContent: no markup from data, ever. */

/**
 * @typedef {string | number | Node | null | undefined | false} Child
 * @typedef {Record<string, string | number | boolean | null | undefined | ((event: Event) => void)>} Attributes
 */

/**
 * Creates an element: `on*` attributes become listeners, `true` a bare attribute, false/null nothing.
 * @param {string} tag
 * @param {Attributes} [attributes]
 * @param {...(Child | Child[])} children
 * @returns {HTMLElement}
 */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (typeof value === 'function') node.addEventListener(name.slice(2).toLowerCase(), value);
    else if (value === true) node.setAttribute(name, '');
    else if (value !== false && value !== null && value !== undefined) node.setAttribute(name, String(value));
  }
  append(node, children);
  return node;
}

/**
 * @param {Node} parent
 * @param {(Child | Child[])[]} children
 */
export function append(parent, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/**
 * Replaces every child of `parent`.
 * @param {Node} parent
 * @param {...(Child | Child[])} children
 */
export function replace(parent, ...children) {
  while (parent.firstChild) parent.removeChild(parent.firstChild);
  append(parent, children);
}

/**
 * A table with a header row and one row per item.
 * @template T
 * @param {{ label: string, num?: boolean, cell: (item: T) => Child | Child[] }[]} columns
 * @param {readonly T[]} items
 * @param {{ rowAttributes?: (item: T) => Attributes, empty?: string }} [options]
 */
export function table(columns, items, options = {}) {
  if (items.length === 0) return el('p', { class: 'muted' }, options.empty ?? 'Nothing to show.');
  const head = el(
    'tr',
    {},
    columns.map((c) => el('th', c.num ? { class: 'num', scope: 'col' } : { scope: 'col' }, c.label)),
  );
  const rows = items.map((item) =>
    el(
      'tr',
      options.rowAttributes?.(item) ?? {},
      columns.map((c) => el('td', c.num ? { class: 'num' } : {}, c.cell(item))),
    ),
  );
  return el('table', {}, el('thead', {}, head), el('tbody', {}, rows));
}

/**
 * A definition list of an object's fields; null shows as an em dash.
 * @param {Record<string, unknown> | null} record
 */
export function keyValues(record) {
  if (!record) return el('p', { class: 'muted' }, 'No row.');
  return el(
    'dl',
    { class: 'kv' },
    Object.entries(record).flatMap(([key, value]) => [el('dt', {}, key), el('dd', {}, show(value))]),
  );
}

/**
 * A value as text: null as an em dash, objects as JSON.
 * @param {unknown} value
 * @returns {string}
 */
export function show(value) {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * JSON, pretty, in a <pre>.
 * @param {unknown} value
 * @param {Attributes} [attributes]
 */
export function json(value, attributes = {}) {
  return el('pre', attributes, JSON.stringify(value, null, 2));
}

/**
 * Seconds as `1h 02m`, `3m 05s` or `4.2 s`.
 * @param {number | null | undefined} seconds
 */
export function duration(seconds) {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m}m ${String(Math.floor(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/**
 * A form's fields as trimmed strings, empty ones left out.
 * @param {HTMLFormElement} form
 * @returns {Record<string, string>}
 */
export function formValues(form) {
  /** @type {Record<string, string>} */
  const values = {};
  for (const [name, value] of new FormData(form)) {
    if (typeof value === 'string' && value.trim() !== '') values[name] = value.trim();
  }
  return values;
}
