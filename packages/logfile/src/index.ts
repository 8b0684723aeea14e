export type { FieldType, FieldValue, InfluxRecord, LogFormat } from './record.js'
export { validateRecord } from './validate-record.js'
export { encodeLineProtocol } from './lp-encode.js'
export { decodeLineProtocol } from './lp-decode.js'
export { encodeJsonl } from './jsonl-encode.js'
export { decodeJsonl } from './jsonl-decode.js'
export { jsonlLineSchema } from './jsonl-schema.js'
export { CsvEncoder } from './csv-encoder.js'
export { CsvDecoder } from './csv-decoder.js'
export { nowNs, secondsToNs, dateToNs, nsToDate } from './time.js'
export { parseRfc3339, formatRfc3339 } from './rfc3339.js'
export { NS_PER_UNIT, STATION_TIMES, TIME_UNIT_NAMES, unitThatFits, type TimeUnit } from './station-times.js'
export { openLogWriter } from './log-writer.js'
export type { LogWriter } from './log-writer.js'
export type { LogWriterStats } from './log-target.js'
export type { LogWriterOptions, RotateOption, FsyncMode } from './writer-options.js'
export { readLogFile } from './read-log-file.js'
export { writeFileAtomic } from './atomic-write.js'
export { createFileExclusively } from './exclusive-file.js'
export type { AtomicWriteOptions } from './atomic-write.js'
export type { ReadItem, ReadItemIterator, BadLine, ReadOptions, ReadStats, LogReader, TimeBound, PlausibleTimes } from './read-types.js'
export { DEFAULT_MAX_LINE_BYTES, READING_STOPPED } from './read-types.js'
export type { LineProtocolRun } from './line-protocol-run.js'
export { readLogs } from './read-logs.js'
export { listLogFiles } from './list-log-files.js'
export { formatFromPath, chunkEncoder } from './formats.js'
export type { ChunkEncoder } from './formats.js'
export { isGzipPath } from './file-naming.js'
export { isGzipFile } from './gzip-header.js'
export { ownProcessIdentity, formatProcessIdentity, parseProcessIdentity, processIdentityAlive, isThisProcess, inOtherPidNamespace } from './process-identity.js'
export type { ProcessIdentity } from './process-identity.js'
export { readOwnerLock, ownerLockText, takeOverStaleLock, keepLockFresh, LOCK_REFRESH_MS, LOCK_UNREFRESHED_MS } from './owner-lock.js'
export type { OwnerLock } from './owner-lock.js'
export {
  LogfileError,
  RecordError,
  LineProtocolError,
  JsonlError,
  CsvError,
  TimeError,
  LogWriterOptionsError,
  LogWriteError,
  LogWriterClosedError,
  LogReadError,
} from './errors.js'
export { jsonlLineToLineProtocol } from './jsonl-to-lp.js'
