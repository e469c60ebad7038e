import { Controller, Get, Inject, Query } from '@nestjs/common';
import { z } from 'zod';
import { validationErrorFromZod } from '../../../libs/domain/shared/command.js';
import type { ProjectionRunner } from '../../../libs/projection-engine/runner.js';
import { COMMAND_ROLES, Roles } from '../auth/auth.guard.js';
import { PROJECTION_RUNNER } from '../tokens.js';

const query = z.object({ position: z.string().regex(/^(0|[1-9][0-9]{0,39})$/, 'must be a log position') }).strict();

/**
 * `GET /bench/projected?position=P`: answers once this process's runner has applied every
 * event up to P to every projection (its in-memory `appliedThrough`, woken by each applied
 * batch), at most 5 s: the live-lag benchmark. Mounted only with BENCH_ENDPOINTS=1.
 */
@Controller('bench')
export class ProjectedController {
  constructor(@Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner) {}

  @Get('projected')
  @Roles(...COMMAND_ROLES)
  async projected(@Query() raw: unknown): Promise<{ passed: boolean; waitedMs: number }> {
    const parsed = query.safeParse(raw);
    if (!parsed.success) throw validationErrorFromZod(parsed.error);
    const position = BigInt(parsed.data.position);
    const started = performance.now();
    const passed = () => {
      const applied = this.runner.appliedThrough();
      return applied !== null && applied >= position;
    };
    if (!passed()) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, 5000);
        const off = this.runner.onProgress(() => {
          if (passed()) done();
        });
        function done() {
          clearTimeout(timer);
          off();
          resolve();
        }
      });
    }
    return { passed: passed(), waitedMs: performance.now() - started };
  }
}
