import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { z } from 'zod';
import { validationErrorFromZod } from '../../../libs/domain/shared/command.js';
import { COMMAND_ROLES, Roles } from '../auth/auth.guard.js';
import { BaselineRows } from './baseline-rows.js';

const baselineBody = z
  .object({
    clientId: z.string().min(1).max(64),
    seq: z.number().int().min(0),
    note: z.string().max(200).optional(),
  })
  .strict();

/**
 * `POST /bench/baseline`: the same HTTP, auth and zod validation as a command, then one plain
 * INSERT. Mounted only with BENCH_ENDPOINTS=1.
 */
@Controller('bench')
export class BaselineController {
  constructor(@Inject(BaselineRows) private readonly rows: BaselineRows) {}

  @Post('baseline')
  @HttpCode(201)
  @Roles(...COMMAND_ROLES)
  async baseline(@Body() body: unknown): Promise<{ id: string }> {
    const parsed = baselineBody.safeParse(body);
    if (!parsed.success) throw validationErrorFromZod(parsed.error);
    return { id: await this.rows.insert(parsed.data) };
  }
}
