import { encodeLineProtocol, LogfileError, RecordError, type InfluxRecord } from '@eht-influx-client/logfile'
import { InvalidInputError } from './errors.js'
import { JoinedLines } from './joined-lines.js'

/** Lines joined at a time while a call is encoded. */
const PIECE_LINES = 512

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
  readonly skipped: InvalidInputError[] = []
  /** Lines kept so far. */
  count = 0
  /** Lines not joined yet: joined every PIECE_LINES, so that their pieces die young. */
  private pending: string[] = []
  private pieces: string[] = []
  private done: JoinedLines | undefined

  /** With `keepLines`, the lines are kept one by one (for callers that want them so) instead of joined as they come. */
  constructor(
    private readonly kind: ItemKind,
    private readonly skipInvalid: boolean,
    private readonly keepLines = false,
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
    this.pending.push(line)
    this.count++
    if (this.pending.length === PIECE_LINES && !this.keepLines) {
      this.pieces.push(this.pending.join('\n'))
      this.pending = []
    }
  }

  /** Keeps a point's record only (nothing to send it to). */
  pushRecord(record: InfluxRecord): void {
    this.records.push(record)
    this.count++
  }

  /** The lines kept, joined (no more can be added). */
  joined(): JoinedLines {
    if (this.done === undefined) {
      if (this.pending.length > 0) this.pieces.push(this.pending.join('\n'))
      if (!this.keepLines) this.pending = []
      // No pieces: no line was made (records only).
      this.done = this.pieces.length === 0 ? JoinedLines.EMPTY : JoinedLines.fromText(this.pieces.length === 1 ? this.pieces[0]! : this.pieces.join('\n'), this.count)
      this.pieces = []
    }
    return this.done
  }

  /** The lines kept, one by one. */
  get lines(): readonly string[] {
    return this.keepLines ? this.pending : this.joined().lines()
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
