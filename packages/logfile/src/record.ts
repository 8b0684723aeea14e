// The one in-memory record shape shared by logfile, writer and replay.

export type FieldType = 'float' | 'integer' | 'unsigned' | 'string' | 'boolean'

export type FieldValue =
  | { type: 'float'; value: number }
  | { type: 'integer'; value: bigint }
  | { type: 'unsigned'; value: bigint }
  | { type: 'string'; value: string }
  | { type: 'boolean'; value: boolean }

export interface InfluxRecord {
  measurement: string
  tags: Record<string, string>
  fields: Record<string, FieldValue>
  /** Integer nanoseconds since the Unix epoch (UTC). */
  timestamp: bigint
}

export type LogFormat = 'jsonl' | 'csv' | 'lp'

export const LOG_FORMATS: readonly LogFormat[] = ['jsonl', 'csv', 'lp']

export const INT64_MIN = -(2n ** 63n)
export const INT64_MAX = 2n ** 63n - 1n
export const UINT64_MAX = 2n ** 64n - 1n
/** InfluxDB's valid timestamp range (int64 minus the two values it reserves). */
export const TIMESTAMP_MIN = INT64_MIN + 2n
export const TIMESTAMP_MAX = INT64_MAX - 1n
