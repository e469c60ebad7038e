import type { Kysely } from 'kysely';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { parsePosition, positionToString, type EventStore } from '../../../libs/event-store/index.js';
import {
  effectivePositions,
  waitForPosition,
  type Projection,
  type ProjectionRunner,
} from '../../../libs/projection-engine/index.js';
import { BadRequest, ServiceUnavailable } from '../errors/http-errors.js';
import { loadPositionsFingerprints } from './stored-fingerprints.js';

/** How long a query waits for X-Min-Position (SPEC §5). */
export const MIN_POSITION_WAIT_MS = 5000;

/**
 * What query endpoints need of the projections: read-your-writes waiting, the position a
 * response reflects, and whether it comes from a stale projection.
 */
export class ReadModels {
  private readonly byName: Map<string, Projection>;

  constructor(
    readonly db: Kysely<unknown>,
    private readonly store: EventStore,
    projections: readonly Projection[],
    private readonly runner: ProjectionRunner,
  ) {
    this.byName = new Map(projections.map((p) => [p.name, p]));
  }

  /** The projections registered, in order. */
  get projections(): Projection[] {
    return [...this.byName.values()];
  }

  /**
   * Call first in every query handler with the projections behind the endpoint: honours
   * `X-Min-Position` (waits up to 5 s, then 503 `projection_behind`), and sets
   * `X-Projection-Position` and, when stale, `X-Projection-Stale: true`.
   *
   * @example await this.readModels.gate(['patient_statistics'], request, reply);
   */
  async gate(names: readonly string[], request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const projections = names.map((name) => {
      const p = this.byName.get(name);
      if (!p) throw new Error(`unknown projection ${name}`);
      return p;
    });
    const header = request.headers['x-min-position'];
    const raw = Array.isArray(header) ? header[0] : header;
    if (raw !== undefined) {
      let position: bigint;
      try {
        position = parsePosition(raw.trim());
      } catch {
        throw new BadRequest('invalid X-Min-Position', [
          { path: 'X-Min-Position', message: 'must be a log position: a decimal string from a command response' },
        ]);
      }
      const passed = await waitForPosition(this.db, this.store, projections, position, MIN_POSITION_WAIT_MS, (wake) =>
        this.runner.onProgress(wake),
      );
      if (!passed)
        throw new ServiceUnavailable(
          `the read tables have not reached position ${raw} within 5 s; retry`,
          'projection_behind',
        );
    }
    const positions = await effectivePositions(this.db, this.store, projections);
    const lowest = [...positions.values()].reduce((a, b) => (a < b ? a : b));
    void reply.header('x-projection-position', positionToString(lowest));
    const stored = await loadPositionsFingerprints(this.db, names);
    if (names.some((name) => stored.get(name) !== undefined && stored.get(name) !== this.runner.fingerprint(name))) {
      void reply.header('x-projection-stale', 'true');
    }
  }
}
