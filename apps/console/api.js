// @ts-check
/** The console's only way out: the public HTTP API of this server, with the key of this tab. */

const STORAGE_KEY = 'caretrack.key';

/** An error answer of the API (problem+json), or no answer at all. */
export class ApiError extends Error {
  /**
   * @param {number} status 0 when the server could not be reached
   * @param {string} code
   * @param {string} detail
   */
  constructor(status, code, detail) {
    super(status ? `${status} ${code}: ${detail}` : detail);
    this.status = status;
    this.code = code;
  }
}

/** The key kept for this tab (sessionStorage: gone when the tab closes). */
export const session = {
  /** @returns {string | null} */
  key: () => sessionStorage.getItem(STORAGE_KEY),
  /** @param {string} key */
  save: (key) => sessionStorage.setItem(STORAGE_KEY, key),
  clear: () => sessionStorage.removeItem(STORAGE_KEY),
};

/**
 * Calls the API with the tab's key (or `key`), returning the parsed JSON body.
 * @param {string} method
 * @param {string} path
 * @param {{ key?: string, query?: Record<string, string | number | undefined> }} [options]
 * @returns {Promise<unknown>}
 */
export async function api(method, path, options = {}) {
  const key = options.key ?? session.key();
  const url = new URL(path, window.location.origin);
  for (const [name, value] of Object.entries(options.query ?? {}))
    if (value !== undefined && value !== '') url.searchParams.set(name, String(value));
  /** @type {Response} */
  let response;
  try {
    response = await fetch(url, {
      method,
      headers: { accept: 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, 'unreachable', 'the server did not answer');
  }
  /** @type {unknown} */
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const problem =
      /** @type {{ code?: string, detail?: string, errors?: { path: string, message: string }[] } | null} */ (body);
    const fields = problem?.errors ? ` (${problem.errors.map((e) => `${e.path}: ${e.message}`).join('; ')})` : '';
    throw new ApiError(response.status, problem?.code ?? 'error', `${problem?.detail ?? response.statusText}${fields}`);
  }
  return body;
}
