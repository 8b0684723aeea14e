import { encodeLineProtocol, LogfileError, RecordError, type InfluxRecord } from '@eht-influx-client/logfile'
import { InvalidInputError } from './errors.js'

/** What a row, a point or a line is called in messages. */
export type ItemKind = 'row' | 'point' | 'line'

/** `row 3, column "pps_offset": reason` */
export function invalid(kind: ItemKind, index: number, column: string | undefined, reason: string, cause?: unknown): InvalidInputError {
  const where = column === undefined ? `${kind} ${index}` : `${kind} ${index}, column ${JSON.stringify(column)}`
  return new InvalidInputError(`${where}: ${reason}`, index, column, cause === undefined ? undefined : { cause })
}

/** `fields.pps_offset` -> `pps_offset`; `tags.station` -> `station`. */
function columnOfKey(key: string | undefined): string | undefined {
  if (key === undefined) return undefined
  const dot = key.indexOf('.')
  return dot < 0 ? key : key.slice(dot + 1)
}

/**
 * Collects the valid points of one write call as records (for the logfile) and
 * line protocol (for the servers); a bad one throws an InvalidInputError naming
 * the item and column, or with `skipInvalid` is set aside and reported.
 */
export class PointCollector {
  readonly records: InfluxRecord[] = []
  readonly lines: string[] = []
  readonly skipped: InvalidInputError[] = []

  constructor(
    private readonly kind: ItemKind,
    private readonly skipInvalid: boolean,
  ) {}

  /** Runs `build` for item `index` and keeps its record, or handles the error it throws. */
  add(index: number, build: () => InfluxRecord): void {
    let record: InfluxRecord
    let line: string
    try {
      record = build()
      line = encodeLineProtocol(record)
    } catch (error) {
      this.reject(this.toInputError(error, index))
      return
    }
    this.push(line, record)
  }

  /** Keeps an already encoded point (its record, when the logfile needs one). */
  push(line: string, record: InfluxRecord | undefined): void {
    if (record !== undefined) this.records.push(record)
    this.lines.push(line)
  }

  private toInputError(error: unknown, index: number): InvalidInputError {
    if (error instanceof InvalidInputError) return error
    if (RecordError.isInstance(error)) return invalid(this.kind, index, columnOfKey(error.key), error.message, error)
    if (LogfileError.isInstance(error)) return invalid(this.kind, index, undefined, error.message, error)
    throw error
  }

  /** Throws the error, or with skipInvalid sets the item aside. */
  reject(error: InvalidInputError): void {
    if (!this.skipInvalid) throw error
    this.skipped.push(error)
  }
}
