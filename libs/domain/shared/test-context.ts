import type { DecideContext } from './decider.js';

/** A fixed moment and id for specs: deciders read time and ids only from the context. */
export const NOW = new Date('2025-06-01T12:00:00.000Z');

/** A context with `NOW`, a fixed generated id and the given facts. */
export function contextWith<Facts extends object>(facts: Facts): DecideContext & Facts {
  return { now: NOW, generatedId: '0b7c6f0e-7d43-4a55-9d0c-6f1f1c2a9e11', ...facts };
}
