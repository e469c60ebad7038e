// @ts-check
/**
 * The shapes the console reads from the API (see /docs/openapi.json). Types only.
 *
 * @typedef {{ keyId: string, role: 'service' | 'reader' | 'admin' | 'auditor' | 'metrics' }} Principal
 * @typedef {'building' | 'verifying' | 'swapping' | 'swapped' | 'failed' | 'rolled_back' | 'abandoned'} RebuildState
 * @typedef {{
 *   name: string, status: 'running' | 'catching_up' | 'stale' | 'rebuilding' | 'faulted', position: string | null,
 *   lag: number, lagSeconds: number, secondsSinceProgress: number | null, fingerprint: string, builtWith: string,
 *   stale: boolean, owner: string | null, lastError: { eventId: string | null, message: string, at: string | null } | null,
 *   rebuild: { state: RebuildState, ratio: number } | null
 * }} ProjectionHealth
 * @typedef {{ table: string, onlyLeft: number, onlyRight: number, examplesLeft: { key: object, columns: string[] | null }[], examplesRight: { key: object, columns: string[] | null }[] }} TableDifference
 * @typedef {{
 *   name: string, state: RebuildState, processed: number, total: number, eventsPerSecond: number | null,
 *   etaSeconds: number | null, startedAt: string, finishedAt: string | null, position: string | null,
 *   differences: TableDifference[] | null, error: string | null
 * }} RebuildProgress
 * @typedef {{ name: string, position: string | null, matches: boolean, differences: TableDifference[] }} VerifyReport
 * @typedef {{
 *   position: string, streamId: string, revision: string, id: string, type: string, recordedAt: string,
 *   data: Record<string, unknown>, metadata: Record<string, unknown> & { actor?: { id?: string, role?: string } }, hash: string | null
 * }} AuditEvent
 * @typedef {{ stream: string, revision: string, kind: string, detail: string }} IntegrityProblem
 * @typedef {{ clean: boolean, streams: number, events: number, problems: IntegrityProblem[] }} IntegrityReport
 * @typedef {{ id: string, at: string, keyId: string, role: string, method: string, endpoint: string, patientId: string | null, status: number }} AccessEntry
 */

/**
 * A page of a cursor-paged list.
 * @template T
 * @typedef {{ items: T[], nextCursor: string | null }} Page
 */
export {};
