import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { QUERY_ROLES, Roles } from '../auth/auth.guard.js';
import type { ReadModels } from '../read-models/read-models.js';
import { READ_MODELS } from '../tokens.js';
import type { Page } from './page.js';
import { noParams, parseQuery, pathId } from './query-params.js';
import { playerKpisQuery } from './query-schemas.js';
import { querySources } from './query-sources.js';
import { playerKpis, requireSession, sessionKpis, type SessionKpisRow, type SessionRow } from './sessions.reads.js';
import { readSnapshot } from './snapshot.js';

/** Training and match sessions and their KPIs (SPEC §5). */
@Controller()
@Roles(...QUERY_ROLES)
export class SessionsController {
  constructor(@Inject(READ_MODELS) private readonly readModels: ReadModels) {}

  /** One session. */
  @Get('sessions/:id')
  async session(
    @Param('id') id: string,
    @Query() query: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SessionRow> {
    await this.readModels.gate(querySources.session, request, reply);
    const sessionId = pathId(id);
    parseQuery(noParams, query);
    return requireSession(this.readModels.db, sessionId);
  }

  /** The KPIs of a completed session. */
  @Get('sessions/:id/kpis')
  async sessionKpis(
    @Param('id') id: string,
    @Query() query: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SessionKpisRow> {
    await this.readModels.gate(querySources.sessionKpis, request, reply);
    const sessionId = pathId(id);
    parseQuery(noParams, query);
    return readSnapshot(this.readModels.db, (db) => sessionKpis(db, sessionId));
  }

  /** A player's session KPIs, newest first; `before` = the previous page's `nextCursor`. */
  @Get('players/:id/kpis')
  async playerKpis(
    @Param('id') id: string,
    @Query() query: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Page<SessionKpisRow>> {
    await this.readModels.gate(querySources.playerKpis, request, reply);
    const playerId = pathId(id);
    const { limit, before } = parseQuery(playerKpisQuery, query);
    return readSnapshot(this.readModels.db, (db) => playerKpis(db, playerId, limit, before));
  }
}
