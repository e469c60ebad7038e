import { randomUUID } from 'node:crypto';
import { StreamNotFound, type EventStore } from '../../../libs/event-store/index.js';
import type { KeyStore } from '../../../libs/personal-data/index.js';
import type { CommandExecutor } from '../commands/command-executor.js';

/** The actor of the events the service appends on its own. */
export const SYSTEM_ACTOR = { id: 'system', role: 'system' } as const;

/**
 * Finishes erasures that were interrupted between destroying the key and appending
 * `PatientErased` (ErasePatient destroys first, then appends: a crash in between leaves a
 * destroyed key and no event, so the read tables would keep the plaintext they had). For every
 * erased subject whose `patient-{id}` stream has no `PatientErased`, ErasePatient is sent again
 * through the executor (actor `system`); the key's destruction is then a no-op. Returns the
 * patients completed. Run at start; concurrent instances race harmlessly (409 already_erased).
 */
export async function completeInterruptedErasures(
  keyStore: Pick<KeyStore, 'erasedSubjects'>,
  store: EventStore,
  executor: Pick<CommandExecutor, 'execute'>,
  logger: { warn(obj: object, msg: string): void },
): Promise<string[]> {
  const completed: string[] = [];
  for (const patientId of await keyStore.erasedSubjects()) {
    let types: string[];
    try {
      types = (await store.readStream(`patient-${patientId}`)).map((e) => e.type);
    } catch (error) {
      if (error instanceof StreamNotFound) continue; // erased before registering: nothing to complete
      throw error;
    }
    if (types.includes('PatientErased')) continue;
    try {
      await executor.execute(
        'ErasePatient',
        { patientId, reason: 'completing an interrupted erasure' },
        { actor: SYSTEM_ACTOR, correlationId: randomUUID(), commandId: randomUUID() },
      );
      completed.push(patientId);
      logger.warn({ patientId }, 'completed an interrupted erasure: appended PatientErased');
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'already_erased') throw error;
    }
  }
  return completed;
}
