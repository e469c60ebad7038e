import { randomUUID } from 'node:crypto';
import { Body, Controller, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Principal, Roles, RolesFrom, COMMAND_ROLES } from '../auth/auth.guard.js';
import { rolesOfCommand } from './command-roles.js';
import { HttpProblem } from '../errors/http-errors.js';
import { IdempotencyStore } from '../idempotency/idempotency.store.js';
import { IDEMPOTENCY_STORE } from '../tokens.js';
import { parseCommandHeaders } from './command-headers.js';
import { ExecuteCommand, type CommandAccepted } from './execute-command.js';

/** `POST /commands/{CommandName}` for every command of SPEC §2 and ErasePatient (§9). */
@Controller('commands')
export class CommandsController {
  constructor(
    @Inject(CommandBus) private readonly bus: CommandBus,
    @Inject(IDEMPOTENCY_STORE) private readonly idempotency: IdempotencyStore,
  ) {}

  @Post(':name')
  @HttpCode(201)
  @Roles(...COMMAND_ROLES)
  @RolesFrom((request) => rolesOfCommand(request.params))
  async send(
    @Param('name') name: string,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Principal() principal: Principal,
  ): Promise<CommandAccepted | object> {
    const headers = parseCommandHeaders(request.headers);
    void reply.header('x-correlation-id', headers.correlationId);
    const command = new ExecuteCommand(name, body, {
      actor: { id: principal.keyId, role: principal.role },
      correlationId: headers.correlationId,
      commandId: randomUUID(),
      expectedRevision: headers.expectedRevision,
    });
    const key = headers.idempotencyKey;
    if (key === undefined) return this.bus.execute(command);

    const claim = await this.idempotency.claim(
      principal.keyId,
      key,
      this.idempotency.hashOf(name, headers.ifMatch, body),
    );
    if (claim.kind === 'replay') {
      void reply.status(claim.status).header('idempotent-replayed', 'true');
      return claim.body;
    }
    if (claim.kind === 'mismatch') {
      throw new HttpProblem(
        422,
        'idempotency_key_reused',
        'Unprocessable Content',
        'this Idempotency-Key was used with a different request in the last 24 h',
      );
    }
    if (claim.kind === 'in_progress') {
      throw new HttpProblem(
        409,
        'idempotency_in_progress',
        'Conflict',
        'a request with this Idempotency-Key is still running; retry shortly',
      );
    }
    try {
      const accepted = await this.bus.execute(command);
      await this.idempotency.complete(principal.keyId, key, 201, accepted);
      return accepted;
    } catch (error) {
      await this.idempotency.release(principal.keyId, key).catch(() => undefined);
      throw error;
    }
  }
}
