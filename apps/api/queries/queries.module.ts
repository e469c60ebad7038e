import { Module } from '@nestjs/common';
import { DoctorsController } from './doctors.controller.js';
import { ExportsController } from './exports.controller.js';
import { PatientsController } from './patients.controller.js';
import { ReportsController } from './reports.controller.js';
import { SessionsController } from './sessions.controller.js';

/**
 * The query endpoints of SPEC §5 over the read tables. ReadModels (READ_MODELS) comes from
 * the global shared module that bootstrap builds.
 */
@Module({
  controllers: [PatientsController, DoctorsController, ReportsController, SessionsController, ExportsController],
})
export class QueriesModule {}
