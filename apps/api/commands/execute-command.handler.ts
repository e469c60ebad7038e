import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { commandRegistry, isCommandName, type CommandContext } from '../../../libs/domain/commands.js';
import type { DomainEvent } from '../../../libs/domain/shared/decider.js';
import { StreamNotFound, WrongExpectedVersion, positionToString, type EventStore } from '../../../libs/event-store/index.js';
import { NotFound } from '../errors/http-errors.js';
import { EVENT_STORE, SYMPTOM_CATALOG } from '../tokens.js';
import { ExecuteCommand, type CommandAccepted } from './execute-command.js';

/** Version of the event envelope written in `metadata.schemaVersion`. */
export const EVENT_SCHEMA_VERSION = 1;

/**
 * Every command's handler: validate, load the stream, read the facts of other streams,
 * decide (pure), append with the expected revision. Reads happen before the append, which
 * is one short transaction.
 */
@CommandHandler(ExecuteCommand)
export class ExecuteCommandHandler implements ICommandHandler<ExecuteCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SYMPTOM_CATALOG) private readonly isKnownSymptom: (symptomId: string) => boolean,
  ) {}

  async execute({ commandName, body, meta }: ExecuteCommand): Promise<CommandAccepted> {
    if (!isCommandName(commandName)) throw new NotFound(`no command named ${commandName}`);
    const prepared = commandRegistry[commandName].prepare(body);
    const { events: past, revision } = await this.load(prepared.streamId);
    if (meta.expectedRevision !== undefined && meta.expectedRevision !== revision) {
      throw new WrongExpectedVersion(prepared.streamId, meta.expectedRevision, revision ?? 'no_stream');
    }
    const facts = await Promise.all(prepared.requires.map(async (r) => [r.fact, await this.exists(r.streamId)] as const));
    const now = new Date();
    const context: CommandContext = { now, generatedId: randomUUID(), isKnownSymptom: this.isKnownSymptom, ...Object.fromEntries(facts) };
    const decided = prepared.decide(past, context);

    const toAppend = decided.map((e) => ({
      id: randomUUID(),
      type: e.type,
      data: { ...e.data },
      metadata: {
        actor: meta.actor,
        correlationId: meta.correlationId,
        causationId: meta.commandId,
        commandName,
        occurredAt: e.occurredAt.toISOString(),
        schemaVersion: EVENT_SCHEMA_VERSION,
      },
    }));
    const result = await this.store.appendToStream(prepared.streamId, toAppend, {
      expectedRevision: revision ?? 'no_stream',
    });
    return {
      streamId: prepared.streamId,
      nextExpectedRevision: Number(result.nextExpectedRevision),
      position: positionToString(result.position),
      events: toAppend.map((e) => ({ id: e.id, type: e.type })),
    };
  }

  private async load(streamId: string): Promise<{ events: DomainEvent[]; revision: bigint | null }> {
    try {
      const stored = await this.store.readStream(streamId);
      // Empty only when a concurrent first append landed between the store's two reads: treat
      // the stream as new; the append then meets the other writer's revision (409), never a 500.
      return { events: stored.map((e) => ({ type: e.type, data: e.data })), revision: stored.at(-1)?.revision ?? null };
    } catch (error) {
      if (error instanceof StreamNotFound) return { events: [], revision: null };
      throw error;
    }
  }

  private async exists(streamId: string): Promise<boolean> {
    try {
      return (await this.store.readStream(streamId, { maxCount: 1 })).length > 0;
    } catch (error) {
      if (error instanceof StreamNotFound) return false;
      throw error;
    }
  }
}
