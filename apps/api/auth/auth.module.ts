import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard } from './auth.guard.js';
import type { AuthThrottle } from './auth-throttle.js';
import { AUTH_THROTTLE, KEY_RING } from './auth.tokens.js';
import type { KeyRing } from './key-ring.js';
import { WhoamiController } from './whoami.controller.js';

export { AUTH_THROTTLE, KEY_RING } from './auth.tokens.js';

/**
 * Authentication for the whole app: provides the key ring under {@link KEY_RING} and
 * installs {@link AuthGuard} as a global guard, so every `@Roles(...)` route checks its key;
 * `GET /whoami` tells a key's holder its id and role.
 *
 * @example
 * const { keyRing } = await loadKeyRing(config, { print });
 * const throttle = await createAuthThrottle(adapter.getInstance(), { maxFailures: 10 });
 * imports: [AuthModule.forRoot(keyRing, throttle)]
 */
@Module({})
export class AuthModule {
  static forRoot(keyRing: KeyRing, throttle: AuthThrottle): DynamicModule {
    return {
      module: AuthModule,
      controllers: [WhoamiController],
      providers: [
        { provide: KEY_RING, useValue: keyRing },
        { provide: AUTH_THROTTLE, useValue: throttle },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
      exports: [KEY_RING],
    };
  }
}
