import type { z } from 'zod';
import type { DomainEvent } from './decider.js';
import { ValidationError, type FieldError } from './errors.js';

/** A command as a decider receives it: its name and its validated fields. */
export type Command<Type extends string = string, Data extends object = object> = {
  type: Type;
  data: Data;
};

/**
 * Reads a fact the handler must have put in the context; a missing fact is a wiring bug
 * (a plain Error, hence a 500), never a silent `false`.
 */
export function requireFact(value: boolean | undefined, fact: string): boolean {
  if (value === undefined) throw new Error(`context fact "${fact}" missing: the handler must read it`);
  return value;
}

/** Ends an exhaustive `switch`: the compiler proves this line unreachable. */
export function unreachable(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
}

/**
 * A type guard for the events of one aggregate; the record makes the compiler check
 * that every event type is listed.
 */
export function eventGuard<E extends DomainEvent>(types: Record<E['type'], true>) {
  const known: ReadonlySet<string> = new Set(Object.keys(types));
  return (event: DomainEvent): event is E => known.has(event.type);
}

/**
 * Turns zod issues into field errors; an unknown field gets its own path.
 *
 * @example validationErrorFromZod(schema.safeParse(body).error).errors // [{ path: 'severity', … }]
 */
export function validationErrorFromZod(error: z.ZodError): ValidationError {
  const errors: FieldError[] = error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: pathOf([...issue.path, key]), message: 'unknown field' }))
      : [{ path: pathOf(issue.path), message: issue.message }],
  );
  return new ValidationError('the command has invalid fields', errors);
}

function pathOf(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}
