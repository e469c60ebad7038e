/** Injection token of the process's {@link KeyRing} (provided by `AuthModule.forRoot`). */
export const KEY_RING = Symbol('KEY_RING');
