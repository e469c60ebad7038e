// @ts-check
/** The console's shell: sign-in, the pages a key's role may see, and hash routing between them. */
import { api, ApiError, session } from './api.js';
import { el, replace } from './dom.js';
import { accessPage } from './access.js';
import { patientPage } from './patient.js';
import { projectionsPage } from './projections.js';
import { streamsPage } from './streams.js';

/**
 * A page: its route, title, the roles that see it, and how it draws itself into a container.
 * `render` may return a function that stops its timers when the page is left.
 * @typedef {import('./types.js').Principal} Principal
 * @typedef {{ route: string, title: string, roles: Principal['role'][], render: (root: HTMLElement, who: Principal) => (void | (() => void)) }} Page
 */

/** @type {Page[]} */
const PAGES = [
  { route: 'projections', title: 'Projections', roles: ['admin'], render: projectionsPage },
  { route: 'streams', title: 'Streams', roles: ['auditor'], render: streamsPage },
  { route: 'access', title: 'Access record', roles: ['auditor'], render: accessPage },
  { route: 'patient', title: 'Patient', roles: ['admin', 'auditor'], render: patientPage },
];

/** @param {string} id */
const byId = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** @type {Principal | null} */
let who = null;
/** @type {(() => void) | void} */
let leavePage;

async function start() {
  byId('sign-in-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void signIn(/** @type {HTMLInputElement} */ (byId('key')).value.trim());
  });
  byId('sign-out').addEventListener('click', signOut);
  window.addEventListener('hashchange', show);
  const key = session.key();
  if (key) await signIn(key);
  else showSignIn();
}

/** @param {string} key */
async function signIn(key) {
  const error = byId('sign-in-error');
  try {
    who = /** @type {Principal} */ (await api('GET', '/whoami', { key }));
  } catch (e) {
    session.clear();
    showSignIn();
    error.textContent =
      e instanceof ApiError && e.status === 401
        ? 'This key is not recognised.'
        : `Sign-in failed: ${e instanceof Error ? e.message : String(e)}`;
    return;
  }
  session.save(key);
  error.textContent = '';
  /** @type {HTMLInputElement} */ (byId('key')).value = '';
  byId('sign-in').hidden = true;
  byId('who').hidden = false;
  byId('who-role').textContent = `key ${who.keyId} · role ${who.role}`;
  const nav = byId('nav');
  replace(
    nav,
    visiblePages().map((p) => el('a', { href: `#/${p.route}`, 'data-route': p.route }, p.title)),
  );
  nav.hidden = false;
  show();
}

function signOut() {
  session.clear();
  who = null;
  leave();
  byId('who').hidden = true;
  byId('nav').hidden = true;
  replace(byId('page'));
  showSignIn();
}

function showSignIn() {
  byId('sign-in').hidden = false;
  byId('key').focus();
}

function visiblePages() {
  return who ? PAGES.filter((p) => p.roles.includes(/** @type {Principal} */ (who).role)) : [];
}

function leave() {
  if (typeof leavePage === 'function') leavePage();
  leavePage = undefined;
}

/** Draws the page the hash names (or the first one the role may see). */
function show() {
  if (!who) return;
  leave();
  const root = byId('page');
  const pages = visiblePages();
  if (pages.length === 0) {
    replace(
      root,
      el(
        'section',
        { class: 'panel' },
        el('h2', {}, 'No console pages for this key'),
        el('p', {}, `A key of role ${who.role} has no console pages: they are for admin and auditor keys.`),
      ),
    );
    return;
  }
  const wanted = window.location.hash.replace(/^#\/?/, '').split('?')[0];
  const page = pages.find((p) => p.route === wanted) ?? pages[0];
  if (!page) return;
  for (const link of byId('nav').querySelectorAll('a')) {
    if (link.dataset['route'] === page.route) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  replace(root);
  leavePage = page.render(root, who);
}

void start();
