import { Module } from '@nestjs/common';
import { BaselineController } from './baseline.controller.js';
import { BaselineRows } from './baseline-rows.js';

/** Benchmark-only endpoints (bench/README.md); AppModule imports it only when BENCH_ENDPOINTS=1. */
@Module({
  controllers: [BaselineController],
  providers: [BaselineRows],
})
export class BenchModule {}
