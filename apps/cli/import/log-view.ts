import {
  consultationDecider,
  doctorDecider,
  isConsultationEvent,
  isDoctorEvent,
  isPatientEvent,
  isReportEvent,
  isScanEvent,
  isSessionEvent,
  isTrackerEvent,
  patientDecider,
  reportDecider,
  scanDecider,
  sessionDecider,
  trackerDecider,
} from '../../../libs/domain/index.js';
import { StreamNotFound, type EventStore, type StoredEvent } from '../../../libs/event-store/index.js';
import { AggregateStates, type StreamStates } from './aggregate-states.js';

type StreamEntry = { revision: bigint | null; ids: Set<string> };

/** The decider state of each aggregate's streams, as the import sees them. */
export type ImportAggregates = ReturnType<typeof makeAggregates>;

function makeAggregates() {
  return {
    patient: new AggregateStates({ decider: patientDecider, isEvent: isPatientEvent }),
    doctor: new AggregateStates({ decider: doctorDecider, isEvent: isDoctorEvent }),
    consultation: new AggregateStates({ decider: consultationDecider, isEvent: isConsultationEvent }),
    scan: new AggregateStates({ decider: scanDecider, isEvent: isScanEvent }),
    report: new AggregateStates({ decider: reportDecider, isEvent: isReportEvent }),
    tracker: new AggregateStates({ decider: trackerDecider, isEvent: isTrackerEvent }),
    session: new AggregateStates({ decider: sessionDecider, isEvent: isSessionEvent }),
  };
}

/** Streams read by one `readStreams` statement. */
const STREAMS_PER_READ = 500;

/**
 * What the log holds, and will hold once the planned appends land, for every stream the import
 * touches: revision, event ids, decider state. A stream is read from the store once, the first
 * time a row needs it (all the chunk's streams at once: `STREAMS_PER_READ` a statement where the
 * store has `readStreams` (PostgreSQL), else one by one with `concurrency` reads in flight); when
 * the log was empty at the start nothing is read at all.
 */
export class LogView {
  readonly aggregates = makeAggregates();
  private readonly streams = new Map<string, StreamEntry>();

  /** @param store the log to read, or null when it was empty at the start */
  constructor(
    private readonly store: EventStore | null,
    private readonly concurrency = 8,
  ) {}

  /** Reads the streams not seen yet. */
  async load(streamIds: Iterable<string>): Promise<void> {
    const store = this.store;
    if (store === null) {
      // an empty log: every stream not seen yet starts empty (a chunk names ~1,000, most seen)
      for (const id of streamIds) if (!this.streams.has(id)) this.streams.set(id, { revision: null, ids: new Set() });
      return;
    }
    const missing = [...new Set(streamIds)].filter((id) => !this.streams.has(id));
    if (store.readStreams) {
      for (let i = 0; i < missing.length; i += STREAMS_PER_READ) {
        const page = missing.slice(i, i + STREAMS_PER_READ);
        const byStream = await store.readStreams(page);
        for (const id of page) this.seed(id, byStream.get(id) ?? []);
      }
      return;
    }
    let next = 0;
    const worker = async () => {
      while (next < missing.length) {
        const id = missing[next++]!;
        this.seed(id, await readWhole(store, id));
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, missing.length) }, worker));
  }

  /** True when the stream holds (or is planned to hold) the event. */
  has(streamId: string, eventId: string): boolean {
    return this.entry(streamId).ids.has(eventId);
  }

  /** True when the stream holds at least one event: the command path's "registered" facts. */
  exists(streamId: string): boolean {
    return this.entry(streamId).revision !== null;
  }

  /** The stream's last revision, or null while it holds no event. */
  revision(streamId: string): bigint | null {
    return this.entry(streamId).revision;
  }

  /** True when the log holds `PatientErased` for the patient (their stream must have been loaded). */
  isErased(patientId: string): boolean {
    const streamId = `patient-${patientId}`;
    return this.streams.has(streamId) && this.aggregates.patient.state(streamId).erased;
  }

  /** Records events planned for the stream (their appends come later, in order). */
  advance(streamId: string, eventIds: readonly string[]): void {
    const entry = this.entry(streamId);
    for (const id of eventIds) entry.ids.add(id);
    entry.revision = (entry.revision ?? -1n) + BigInt(eventIds.length);
  }

  private seed(streamId: string, events: readonly StoredEvent[]): void {
    this.streams.set(streamId, {
      revision: events.length === 0 ? null : events[events.length - 1]!.revision,
      ids: new Set(events.map((e) => e.id)),
    });
    this.statesOf(streamId).seed(
      streamId,
      events.map((e) => ({ type: e.type, data: e.data })),
    );
  }

  /** Takes note of the stream's decider state; the function puts it back (a rejected row's commands are undone). */
  mark(streamId: string): () => void {
    return this.statesOf(streamId).mark(streamId);
  }

  private statesOf(streamId: string): StreamStates {
    const prefix = streamId.slice(0, streamId.indexOf('-'));
    switch (prefix) {
      case 'patient':
      case 'doctor':
      case 'consultation':
      case 'scan':
      case 'report':
      case 'tracker':
      case 'session':
        return this.aggregates[prefix];
      default:
        throw new Error(`the import touches an unknown kind of stream: ${streamId}`);
    }
  }

  private entry(streamId: string): StreamEntry {
    const entry = this.streams.get(streamId);
    if (!entry) throw new Error(`stream ${streamId} used before it was loaded`);
    return entry;
  }
}

async function readWhole(store: EventStore, streamId: string): Promise<StoredEvent[]> {
  try {
    return await store.readStream(streamId);
  } catch (error) {
    if (error instanceof StreamNotFound) return [];
    throw error;
  }
}
