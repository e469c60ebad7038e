import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Infrastructure } from './bootstrap/infrastructure.js';
import type { AppConfig } from './config/app-config.js';
import { HealthController } from './health/health.controller.js';
import { APP_CONFIG, INFRASTRUCTURE, LOGGER } from './tokens.js';

export type AppDependencies = { config: AppConfig; infrastructure: Infrastructure; logger: Logger };

/** The HTTP application; everything stateful is built outside and handed in. */
@Module({})
export class AppModule {
  static forRoot(deps: AppDependencies): DynamicModule {
    return {
      module: AppModule,
      controllers: [HealthController],
      providers: [
        { provide: APP_CONFIG, useValue: deps.config },
        { provide: INFRASTRUCTURE, useValue: deps.infrastructure },
        { provide: LOGGER, useValue: deps.logger },
      ],
    };
  }
}
