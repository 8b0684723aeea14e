export { EHTInfluxDBClient, type ClientOptions } from './client.js'
export { WriteApi, type WriteApiOptions, type WriteResult } from './write-api.js'
export { rowsToLineProtocol, type CallOptions, type WriteMode, type WriteOptions } from './write-options.js'
export type { Columnar, Row } from './normalize-rows.js'
export type { TimestampInput, TimestampUnit } from './timestamps.js'
export { Delivery, listSpool, listUnconfiguredSpool, openDelivery, type DeliveryOptions } from './delivery.js'
export { JoinedLines } from './joined-lines.js'
export type { DrainOutcome } from './spool-drainer.js'
export type { SpoolFile } from './spool.js'
export type { ServerOutcome } from './ticket.js'
export type { ServerStats } from './server-context.js'
export type { DeliveredEvent, DeliveryCallbacks, ErrorEvent, RetryEvent, SpooledEvent } from './events.js'
export type { LineSink } from './stderr-reporter.js'
export { safeLineSink } from './safe-sink.js'
export { callSafely } from './safe-call.js'
export { ErrorsFile, ErrorsFileAppendError, readErrorsFile, type ReadErrorsFileOptions, type RejectedPoint } from './errors-file.js'
export { retryAfterMs } from './retry-after.js'
export {
  ClosedError,
  DeliveryFailedError,
  InvalidInputError,
  LogfileWriteError,
  PointsRejectedError,
  ProfileGuardError,
  ServerRefusedError,
  SpoolDrainError,
  SpoolFullError,
  SpoolLineError,
  WriterConfigError,
  WriterError,
} from './errors.js'
export type { DropCause, DropReason } from './errors.js'
