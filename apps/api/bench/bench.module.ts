import { Module } from '@nestjs/common';
import { BaselineController } from './baseline.controller.js';
import { BaselineRows } from './baseline-rows.js';
import { ProjectedController } from './projected.controller.js';

/** Benchmark-only endpoints (bench/README.md); AppModule imports it only when BENCH_ENDPOINTS=1. */
@Module({
  controllers: [BaselineController, ProjectedController],
  providers: [BaselineRows],
})
export class BenchModule {}
