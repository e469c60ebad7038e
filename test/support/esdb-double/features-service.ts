import { status as GrpcStatus, type handleUnaryCall } from '@grpc/grpc-js';
import type { Empty as EmptyMessage } from '@eventstore/db-client/generated/shared_pb.js';
import type { SupportedMethods as SupportedMethodsMessage } from '@eventstore/db-client/generated/serverfeatures_pb.js';
import { rpcError } from './codec.js';
import { SupportedMethod, SupportedMethods } from './proto.js';

/** The version the double reports; the client only logs it. */
export const DOUBLE_SERVER_VERSION = '24.10.0-esdb-test-double';

/**
 * `ServerFeatures/GetSupportedMethods`, which the client calls once per connection to choose
 * between `Streams/BatchAppend` and `Streams/Append`. Without `batchAppend` it answers
 * UNIMPLEMENTED, like a 20.x server, and the client falls back to `Append`.
 */
export function supportedMethodsHandler(batchAppend: boolean): handleUnaryCall<EmptyMessage, SupportedMethodsMessage> {
  return (_call, callback) => {
    if (!batchAppend) return callback(rpcError(GrpcStatus.UNIMPLEMENTED, 'GetSupportedMethods is not implemented'));
    const method = (serviceName: string, methodName: string) =>
      new SupportedMethod().setServiceName(serviceName.toLowerCase()).setMethodName(methodName.toLowerCase());
    const methods = [
      method('event_store.client.server_features.ServerFeatures', 'GetSupportedMethods'),
      method('event_store.client.streams.Streams', 'Read'),
      method('event_store.client.streams.Streams', 'Append'),
      method('event_store.client.streams.Streams', 'BatchAppend'),
    ];
    callback(null, new SupportedMethods().setMethodsList(methods).setEventStoreServerVersion(DOUBLE_SERVER_VERSION));
  };
}
