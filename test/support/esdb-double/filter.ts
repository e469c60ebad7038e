import { invalidArgument } from './codec.js';
import type { LogRecord } from './log.js';
import { ReadReq, type ReadReqMessage } from './proto.js';

/** ESDB's read batch size: the search window when a filter asks for `count` instead of `max`. */
export const DEFAULT_SEARCH_WINDOW = 32;

export type RecordFilter = {
  matches(record: LogRecord): boolean;
  /** how many considered events between two checkpoints (subscriptions only); null without a filter */
  checkpointEvery: number | null;
};

const FilterCase = ReadReq.Options.FilterOptions.FilterCase;
const WindowCase = ReadReq.Options.FilterOptions.WindowCase;
const FilterOptionCase = ReadReq.Options.FilterOptionCase;

/**
 * What $all never shows, filter or not (EventFilter.cs, `DefaultAllFilterStrategy`): the
 * epoch records and the checkpoints and parked messages of persistent subscriptions to $all.
 * Every other system record is there.
 */
export function visibleInAll(record: LogRecord): boolean {
  const stream = record.streamId;
  if (!stream.startsWith('$')) return true;
  if (stream === '$epoch-information') return false;
  return !(
    stream.startsWith('$persistentsubscription-$all::') &&
    (stream.endsWith('-checkpoint') || stream.endsWith('-parked'))
  );
}

/**
 * The $all read's event filter, as the server builds it (Streams.Read.cs,
 * `ConvertToEventFilter(isAllStream: true, …)`): on event type or stream name, by regex
 * (unanchored, `Regex.Match`) or by prefixes (`StartsWith`), after `visibleInAll`. A filter
 * must name a window (`max` or `count`); the checkpoint interval is
 * `checkpointIntervalMultiplier × window`.
 */
export function readFilter(options: ReadReqMessage.Options): RecordFilter {
  switch (options.getFilterOptionCase()) {
    case FilterOptionCase.NO_FILTER:
      return { matches: visibleInAll, checkpointEvery: null };
    case FilterOptionCase.FILTER: {
      const filter = eventFilter(options.getFilter()!);
      return { ...filter, matches: (record) => visibleInAll(record) && filter.matches(record) };
    }
    default:
      throw invalidArgument('filter option is missing');
  }
}

function eventFilter(filter: ReadReqMessage.Options.FilterOptions): RecordFilter {
  const window =
    filter.getWindowCase() === WindowCase.MAX
      ? filter.getMax()
      : filter.getWindowCase() === WindowCase.COUNT
        ? DEFAULT_SEARCH_WINDOW
        : null;
  if (window === null || window <= 0) throw invalidArgument('filter window (max or count) is missing');
  const multiplier = filter.getCheckpointintervalmultiplier();
  if (multiplier <= 0) throw invalidArgument('checkpoint interval multiplier must be positive');

  const onType = filter.getFilterCase() === FilterCase.EVENT_TYPE;
  if (!onType && filter.getFilterCase() !== FilterCase.STREAM_IDENTIFIER)
    throw invalidArgument('filter has no expression');
  const expression = onType ? filter.getEventType()! : filter.getStreamIdentifier()!;
  const pick = (record: LogRecord) => (onType ? record.type : record.streamId);
  const regex = expression.getRegex();
  const prefixes = expression.getPrefixList();
  const test = regex ? toRegExp(regex) : (value: string) => prefixes.some((prefix) => value.startsWith(prefix));
  return { matches: (record) => test(pick(record)), checkpointEvery: multiplier * window };
}

function toRegExp(source: string): (value: string) => boolean {
  try {
    const pattern = new RegExp(source);
    return (value) => pattern.test(value);
  } catch {
    throw invalidArgument(`invalid filter regex ${JSON.stringify(source)}`);
  }
}
