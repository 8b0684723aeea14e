import type { FieldType } from '@eht-influx-client/logfile'
import { InvalidInputError } from './errors.js'
import { normalizeRows, type Columnar, type Row } from './normalize-rows.js'
import type { PointCollector } from './point-collector.js'
import type { TimestampUnit } from './timestamps.js'

export type WriteMode = 'asynchronous' | 'synchronous'

/** Per-call options of writePoint(s) / writeRecord(s). */
export interface CallOptions {
  writeMode?: WriteMode
  timestampUnit?: TimestampUnit
  skipInvalid?: boolean
}

/** `write()`: rows as objects, an array of them, or columns. */
export interface WriteOptions extends CallOptions {
  record: Row | readonly Row[] | Columnar
  dataFrameMeasurementName: string
  /** Columns that are tags (string values); every other column except the timestamp is a field. */
  dataFrameTagColumns?: readonly string[]
  /** Default `timestamp`. */
  dataFrameTimestampColumn?: string
  /** Types for columns: a JS number is a float unless this says `integer` or `unsigned`. */
  fieldTypes?: Readonly<Record<string, FieldType>>
}

/** Validates `write()` options and turns the rows into records and line protocol. */
export function collectRows(
  options: WriteOptions,
  defaults: { timestampUnit: TimestampUnit; skipInvalid: boolean; defaultTags: Readonly<Record<string, string>>; lines?: boolean },
  records = true,
): PointCollector {
  if (typeof options !== 'object' || options === null) throw new InvalidInputError('write() takes { record, dataFrameMeasurementName, dataFrameTagColumns, ... }', undefined, undefined)
  const measurement = options.dataFrameMeasurementName
  if (typeof measurement !== 'string' || measurement === '') {
    throw new InvalidInputError(`write(): dataFrameMeasurementName must be a non-empty string, got ${JSON.stringify(measurement)}`, undefined, 'dataFrameMeasurementName')
  }
  return normalizeRows(options.record, {
    measurement,
    tagColumns: options.dataFrameTagColumns ?? [],
    timestampColumn: options.dataFrameTimestampColumn ?? 'timestamp',
    fieldTypes: options.fieldTypes ?? {},
    timestampUnit: options.timestampUnit ?? defaults.timestampUnit,
    defaultTags: defaults.defaultTags,
    skipInvalid: options.skipInvalid ?? defaults.skipInvalid,
    records,
    lines: defaults.lines !== false,
  })
}

/**
 * The line protocol `write()` would send for these rows (same validation, same
 * errors naming row and column), without writing anything.
 */
export function rowsToLineProtocol(options: WriteOptions): string[] {
  return collectRows(options, { timestampUnit: 'ns', skipInvalid: false, defaultTags: {} }, false).lines as string[]
}
