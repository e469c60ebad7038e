import { Module } from '@nestjs/common';
import { AdminProjectionsController } from './admin-projections.controller.js';

/** Admin endpoints of the projections; the runner and ReadModels come from bootstrap. */
@Module({ controllers: [AdminProjectionsController] })
export class ReadModelsModule {}
