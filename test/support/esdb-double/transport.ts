import type { ServerWritableStream } from '@grpc/grpc-js';
import type { ReadReqMessage, ReadRespMessage } from './proto.js';

export type ReadCall = ServerWritableStream<ReadReqMessage, ReadRespMessage>;

/**
 * Writes one response, waiting for `drain` when the transport is full: a slow client holds
 * the double back (HTTP/2 flow control) instead of growing a buffer. False once the call
 * is gone.
 */
export async function send(call: ReadCall, response: ReadRespMessage): Promise<boolean> {
  if (call.cancelled || call.destroyed) return false;
  if (call.write(response)) return true;
  await new Promise<void>((resolve) => {
    const done = () => {
      for (const event of ['drain', 'cancelled', 'close', 'error']) call.off(event, done);
      resolve();
    };
    for (const event of ['drain', 'cancelled', 'close', 'error']) call.once(event, done);
  });
  return !(call.cancelled || call.destroyed);
}
