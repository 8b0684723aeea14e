import type { FieldType } from '@eht-influx-client/logfile'
import { describeValue } from './field-text.js'
import { InvalidInputError } from './errors.js'
import { invalid, PointCollector } from './point-collector.js'
import { RowEncoder } from './row-encoder.js'
import type { RecordSlot } from './row-compiler.js'
import type { TimestampUnit } from './timestamps.js'

/** One row: column name -> value. */
export type Row = Readonly<Record<string, unknown>>
/** Columns of equal length: column name -> values (arrays or typed arrays). */
export type Columnar = Readonly<Record<string, ArrayLike<unknown>>>

export interface RowOptions {
  measurement: string
  tagColumns: readonly string[]
  timestampColumn: string
  fieldTypes: Readonly<Record<string, FieldType>>
  timestampUnit: TimestampUnit
  /** Added to each point that lacks the tag (`[client] station` as `station`). */
  defaultTags: Readonly<Record<string, string>>
  skipInvalid: boolean
  /** Build records for the logfile too (default true); false gives line protocol only. */
  records?: boolean
  /** Make line protocol too (default true); false (no server to send to) gives records only, checked the same. */
  lines?: boolean
  /** Compile a fast encoder per row shape (default true; false for tests of the checked path). */
  compile?: boolean
}

const isColumn = (value: unknown): value is ArrayLike<unknown> => Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView))

/** True for `{ col: [...], col2: [...] }` (every value an array or typed array). */
export function isColumnar(input: object): input is Columnar {
  const values = Object.values(input)
  return values.length > 0 && values.every(isColumn)
}

/** The length shared by all columns; throws naming a column whose length differs. */
function columnarLength(data: Columnar): number {
  let length: number | undefined
  let first = ''
  for (const [column, values] of Object.entries(data)) {
    if (length === undefined) {
      length = values.length
      first = column
    } else if (values.length !== length) {
      throw invalid('row', Math.min(length, values.length), column, `column ${JSON.stringify(column)} has ${values.length} values but ${JSON.stringify(first)} has ${length}; columns must be of equal length`)
    }
  }
  return length ?? 0
}

/** Rows as an indexable list, whatever shape they came in. */
function rowSource(input: unknown): { length: number; at: (i: number) => unknown } {
  if (Array.isArray(input)) return { length: input.length, at: (i) => input[i] }
  if (typeof input === 'object' && input !== null && isColumnar(input)) {
    const columns = Object.keys(input)
    return {
      length: columnarLength(input),
      at: (i) => {
        const row: Record<string, unknown> = {}
        for (const column of columns) row[column] = input[column]![i]
        return row
      },
    }
  }
  return { length: 1, at: () => input }
}

/** One row object, an array of rows, or columnar data -> records and line protocol. */
export function normalizeRows(input: unknown, o: RowOptions): PointCollector {
  // Lines for the servers are joined as they come; rowsToLineProtocol (no records) wants them one by one.
  const collector = new PointCollector('row', o.skipInvalid, o.records === false)
  const encoder = new RowEncoder(o)
  const withRecords = o.records !== false
  const withLines = o.lines !== false || !withRecords
  const source = rowSource(input)
  const slot: RecordSlot | undefined = withRecords ? { record: undefined } : undefined
  for (let i = 0; i < source.length; i++) {
    const row = source.at(i)
    try {
      if (typeof row !== 'object' || row === null || Array.isArray(row)) throw invalid('row', i, undefined, `a row must be an object of column: value, got ${describeValue(row)}`)
      const line = encoder.encode(row, i, slot)
      if (withLines) collector.push(line, slot?.record)
      else collector.pushRecord(slot!.record!)
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error
      collector.reject(error)
    }
  }
  return collector
}
