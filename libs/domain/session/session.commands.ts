import { z } from 'zod';
import { id, name, text, timestamp, uri } from '../shared/fields.js';

/** Kinds of session. */
export const sessionTypes = ['training', 'match', 'analysis'] as const;
/** Largest `metadata` accepted, as UTF-8 JSON. */
export const MAX_METADATA_BYTES = 16 * 1024;

/** StartSession: player registered (404); 409 if the id exists. */
export const StartSessionSchema = z
  .object({
    sessionId: id(),
    playerId: id(),
    sessionType: z.enum(sessionTypes),
    startTime: timestamp(),
    title: name().optional(),
    description: text().optional(),
    videoPath: uri().optional(),
    metadata: z
      .record(z.string(), z.json())
      .refine((value) => new TextEncoder().encode(JSON.stringify(value)).length <= MAX_METADATA_BYTES, {
        message: 'must be at most 16 KB as JSON',
      })
      .optional(),
  })
  .strict();
export type StartSession = z.infer<typeof StartSessionSchema>;

const metric = () => z.number().min(0).optional();
const count = () => z.int().min(0).optional();

/** The metrics of `session_kpis` (seed 002), every one optional. */
export const SessionKpisSchema = z
  .object({
    max_speed_kmh: metric(),
    avg_speed_kmh: metric(),
    speed_zones: z.record(name(), z.number().min(0)).optional(),
    total_distance_m: metric(),
    high_intensity_distance_m: metric(),
    sprint_distance_m: metric(),
    touches: count(),
    passes: count(),
    pass_accuracy: z.number().min(0).max(100).optional(),
    shots: count(),
    accelerations: count(),
    decelerations: count(),
    max_acceleration: metric(),
    jumps: count(),
    training_load: metric(),
    player_load: metric(),
    intensity_score: metric(),
  })
  .strict();
export type SessionKpis = z.infer<typeof SessionKpisSchema>;

/** CompleteSession: session started (404); 409 if completed or failed; endTime ≥ startTime (400). */
export const CompleteSessionSchema = z
  .object({ sessionId: id(), endTime: timestamp(), kpis: SessionKpisSchema })
  .strict();
export type CompleteSession = z.infer<typeof CompleteSessionSchema>;

/** FailSession: session started (404); 409 if completed or failed. */
export const FailSessionSchema = z.object({ sessionId: id(), reason: text().min(1) }).strict();
export type FailSession = z.infer<typeof FailSessionSchema>;
