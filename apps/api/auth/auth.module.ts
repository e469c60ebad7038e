import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard } from './auth.guard.js';
import { KEY_RING } from './auth.tokens.js';
import type { KeyRing } from './key-ring.js';
import { WhoamiController } from './whoami.controller.js';

export { KEY_RING } from './auth.tokens.js';

/**
 * Authentication for the whole app: provides the key ring under {@link KEY_RING} and
 * installs {@link AuthGuard} as a global guard, so every `@Roles(...)` route checks its key;
 * `GET /whoami` tells a key's holder its id and role.
 *
 * @example
 * const { keyRing } = await loadKeyRing(config, { print });
 * imports: [AuthModule.forRoot(keyRing)]
 */
@Module({})
export class AuthModule {
  static forRoot(keyRing: KeyRing): DynamicModule {
    return {
      module: AuthModule,
      controllers: [WhoamiController],
      providers: [
        { provide: KEY_RING, useValue: keyRing },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
      exports: [KEY_RING],
    };
  }
}
