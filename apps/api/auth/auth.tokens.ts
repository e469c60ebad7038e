/** Injection token of the process's {@link KeyRing} (provided by `AuthModule.forRoot`). */
export const KEY_RING = Symbol('KEY_RING');
/** Injection token of the failed-authentication throttle ({@link AuthThrottle}). */
export const AUTH_THROTTLE = Symbol('AUTH_THROTTLE');
