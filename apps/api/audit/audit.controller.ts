import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { StreamNotFound, verifyIntegrity, type EventStore } from '../../../libs/event-store/index.js';
import { keyStoreOpener, type EventOpener, type ProjectionContext } from '../../../libs/projection-engine/index.js';
import type { KeyStore } from '../../../libs/personal-data/index.js';
import { AUDIT_ROLES, Roles } from '../auth/auth.guard.js';
import { NotFound } from '../errors/http-errors.js';
import type { ReadModels } from '../read-models/read-models.js';
import { ACCESS_LOG, EVENT_STORE, KEY_STORE, LOGGER, PROJECTION_CONTEXT, READ_MODELS } from '../tokens.js';
import type { AccessLog } from './access-log.js';
import { patientAsOf } from './as-of.js';
import { filteredEvents, openedViews } from './audit-history.js';
import type { Logger } from 'pino';
import { accessQuery, asOfQuery, auditEventsQuery, checkId, parseQuery } from './audit-queries.js';

/** History, the past state of a patient, integrity and the access record (SPEC §7): auditors only. */
@Controller('audit')
@Roles(...AUDIT_ROLES)
export class AuditController {
  /** decrypts what auditors see, as the projections' engine does: erased fields `null` at every time */
  private readonly opener: EventOpener;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
    @Inject(PROJECTION_CONTEXT) private readonly context: ProjectionContext,
    @Inject(ACCESS_LOG) private readonly accessLog: AccessLog,
    @Inject(KEY_STORE) keyStore: KeyStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.opener = keyStoreOpener(keyStore);
  }

  /** Every event of one stream with its metadata, in order. */
  @Get('streams/:streamId')
  async stream(@Param('streamId') streamId: string) {
    if (streamId.length > 200) throw new NotFound(`stream not found`);
    try {
      const events = await this.store.readStream(streamId);
      return { streamId, events: await openedViews(events, this.opener, this.logger) };
    } catch (error) {
      if (error instanceof StreamNotFound) throw new NotFound(`stream ${streamId} not found`);
      throw error;
    }
  }

  /** The global log, filtered by type, actor and recording time, paged by position. */
  @Get('events')
  async events(@Query() query: unknown) {
    const q = parseQuery(auditEventsQuery, query);
    const types = q.type
      ?.split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    return filteredEvents(
      this.store,
      (events) => openedViews(events, this.opener, this.logger),
      {
        types: types?.length ? types : undefined,
        actor: q.actor,
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
      },
      q.after,
      q.limit,
    );
  }

  /** The patient's statistics, timeline and tracker row as they stood at `at`. */
  @Get('patients/:id/as-of')
  async asOf(@Param('id') id: string, @Query() query: unknown) {
    checkId(id);
    const { at } = parseQuery(asOfQuery, query);
    try {
      await this.store.readStream(`patient-${id}`, { maxCount: 1 });
    } catch (error) {
      if (error instanceof StreamNotFound) throw new NotFound(`patient ${id} not found`);
      throw error;
    }
    return patientAsOf(this.readModels, this.store, this.opener, this.context, id, new Date(at));
  }

  /** Walks every stream's hash chain: altered, removed or reordered events. */
  @Get('integrity')
  async integrity() {
    return verifyIntegrity(this.store, (await this.store.streamHeads?.()) ?? []);
  }

  /** Who read which patient's data, oldest first. */
  @Get('access')
  async access(@Query() query: unknown) {
    const q = parseQuery(accessQuery, query);
    return this.accessLog.page({ after: q.after, patientId: q.patientId, limit: q.limit });
  }
}
