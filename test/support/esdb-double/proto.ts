/**
 * The client's own generated protobuf and grpc-js modules
 * (`node_modules/@eventstore/db-client/generated/`). The double builds every message from
 * these very classes: the serializers in `*_grpc_pb.js` check `instanceof` against them, so a
 * second copy of the definitions (another protoc run, proto-loader) would not do.
 */
import codePb from '@eventstore/db-client/generated/code_pb.js';
import featuresGrpc from '@eventstore/db-client/generated/serverfeatures_grpc_pb.js';
import featuresPb from '@eventstore/db-client/generated/serverfeatures_pb.js';
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import statusPb from '@eventstore/db-client/generated/status_pb.js';
import streamsGrpc from '@eventstore/db-client/generated/streams_grpc_pb.js';
import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
import anyPb from 'google-protobuf/google/protobuf/any_pb.js';
import emptyPb from 'google-protobuf/google/protobuf/empty_pb.js';

export const {
  ReadReq,
  ReadResp,
  AppendReq,
  AppendResp,
  BatchAppendReq,
  BatchAppendResp,
  DeleteReq,
  DeleteResp,
  TombstoneReq,
  TombstoneResp,
} = streamsPb;
export const {
  UUID,
  Empty,
  StreamIdentifier,
  AllStreamPosition,
  WrongExpectedVersion,
  BadRequest,
  StreamDeleted,
  MaximumAppendSizeExceeded,
} = sharedPb;
export const { SupportedMethods, SupportedMethod } = featuresPb;
export const { Status } = statusPb;
export const { Code } = codePb;
/** `google.protobuf.Any` / `Empty`, the instances `shared_pb.js` and `status_pb.js` use. */
export const { Any } = anyPb;
export const GoogleEmpty = emptyPb.Empty;
export const { StreamsService } = streamsGrpc;
export const { ServerFeaturesService } = featuresGrpc;

export type {
  AppendReq as AppendReqMessage,
  AppendResp as AppendRespMessage,
  BatchAppendReq as BatchAppendReqMessage,
  BatchAppendResp as BatchAppendRespMessage,
  DeleteReq as DeleteReqMessage,
  DeleteResp as DeleteRespMessage,
  TombstoneReq as TombstoneReqMessage,
  TombstoneResp as TombstoneRespMessage,
  ReadReq as ReadReqMessage,
  ReadResp as ReadRespMessage,
} from '@eventstore/db-client/generated/streams_pb.js';
export type {
  UUID as UUIDMessage,
  StreamIdentifier as StreamIdentifierMessage,
} from '@eventstore/db-client/generated/shared_pb.js';
