import { randomUUID } from 'node:crypto';
import { eventResponse, invalidArgument } from './codec.js';
import { readFilter } from './filter.js';
import type { EventLog } from './log.js';
import { ReadReq, ReadResp, type ReadReqMessage } from './proto.js';
import { send, type ReadCall } from './transport.js';

const AllCase = ReadReq.Options.AllOptions.AllOptionCase;

function checkpoint(position: bigint) {
  const text = position.toString(10);
  return new ReadResp().setCheckpoint(new ReadResp.Checkpoint().setCommitPosition(text).setPreparePosition(text));
}

/** ESDB's "no position" (both halves `ulong.MaxValue`). */
const NO_POSITION = (1n << 64n) - 1n;

/** Known server bugs the double can imitate. */
export type SubscriptionQuirks = {
  /**
   * KurrentDB 24.10.0–24.10.4 and 25.0.0 (KDB-744): a filtered subscription ends its catch-up
   * with the checkpoint (2^64−1, 2^64−1) instead of a real position.
   */
  kdb744: boolean;
};

/**
 * A $all subscription, after Enumerator.AllSubscription(Filtered).cs: a confirmation, the
 * catch-up from strictly after the given position, a checkpoint and `CaughtUp` when it
 * reaches the head, then live events. With a filter, a checkpoint follows every
 * `checkpointIntervalMultiplier × window` considered records (matching or not), at the
 * position of the last one considered: resuming strictly after it loses nothing.
 *
 * One cursor walks the log for both phases, so no append can slip between catch-up and live;
 * each write waits for the transport (`send`), so a slow reader slows the cursor.
 */
export async function subscribeToAll(
  log: EventLog,
  call: ReadCall,
  options: ReadReqMessage.Options,
  structuredIds: boolean,
  quirks: SubscriptionQuirks = { kdb744: false },
): Promise<void> {
  const all = options.getAll()!;
  const filter = readFilter(options);
  let cursor: number;
  switch (all.getAllOptionCase()) {
    case AllCase.START:
      cursor = 0;
      break;
    case AllCase.END:
      cursor = log.records.length;
      break;
    case AllCase.POSITION:
      cursor = log.indexFrom(BigInt(all.getPosition()!.getCommitPosition()), false);
      break;
    default:
      throw invalidArgument('$all position option is missing');
  }
  const cancelled = new Promise<void>((resolve) => {
    call.once('cancelled', resolve);
    call.once('close', resolve);
  });
  const confirmation = new ReadResp.SubscriptionConfirmation().setSubscriptionId(randomUUID());
  if (!(await send(call, new ReadResp().setConfirmation(confirmation)))) return;

  let considered = 0;
  let lastConsidered: bigint | null = null;
  let lastCheckpoint: bigint | null = null;
  let caughtUp = false;
  while (!call.cancelled && !call.destroyed) {
    if (cursor < log.records.length) {
      const record = log.records[cursor++]!;
      lastConsidered = record.logPosition;
      if (filter.matches(record) && !(await send(call, eventResponse(record, structuredIds)))) return;
      if (filter.checkpointEvery !== null && ++considered >= filter.checkpointEvery) {
        considered = 0;
        lastCheckpoint = record.logPosition;
        if (!(await send(call, checkpoint(record.logPosition)))) return;
      }
      continue;
    }
    if (!caughtUp) {
      caughtUp = true;
      if (filter.checkpointEvery !== null && quirks.kdb744) {
        if (!(await send(call, checkpoint(NO_POSITION)))) return;
      } else if (filter.checkpointEvery !== null && lastConsidered !== null && lastConsidered !== lastCheckpoint) {
        lastCheckpoint = lastConsidered;
        if (!(await send(call, checkpoint(lastConsidered)))) return;
      }
      if (!(await send(call, new ReadResp().setCaughtUp(new ReadResp.CaughtUp())))) return;
      continue;
    }
    // Nothing awaited since the length check: an append cannot fall between it and this wait.
    await Promise.race([log.nextAppend(), cancelled]);
  }
}
