import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AccessRecorder } from './access-recorder.interceptor.js';
import { AuditController } from './audit.controller.js';

/** The audit endpoints and the recorder of patient-data reads. */
@Module({
  controllers: [AuditController],
  providers: [{ provide: APP_INTERCEPTOR, useClass: AccessRecorder }],
})
export class AuditModule {}
