import type { FieldType, FieldValue, InfluxRecord } from '@eht-influx-client/logfile'
import { invalid, PointCollector } from './point-collector.js'
import { TimestampProblem, toNs, type TimestampUnit } from './timestamps.js'

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
}

const isColumn = (value: unknown): value is ArrayLike<unknown> => Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView))

function describe(value: unknown): string {
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value)}`
  if (typeof value === 'object') return value === null ? 'null' : Array.isArray(value) ? 'an array' : 'an object'
  return `the ${typeof value} ${String(value)}`
}

/** A field value as its declared type (fieldTypes) or as JS types map by default. */
function fieldValue(value: unknown, declared: FieldType | undefined, index: number, column: string): FieldValue {
  const wrong = (expected: string) => invalid('row', index, column, `fieldTypes says ${declared}, but the value is ${describe(value)}; expected ${expected}`)
  switch (typeof value) {
    case 'number':
      if (declared === undefined || declared === 'float') {
        if (!Number.isFinite(value)) throw invalid('row', index, column, `field value is ${value}; InfluxDB accepts only finite numbers`)
        return { type: 'float', value }
      }
      if (declared === 'integer' || declared === 'unsigned') {
        if (!Number.isSafeInteger(value)) throw invalid('row', index, column, `fieldTypes says ${declared}, but ${value} is not a whole number below 2^53; pass a bigint`)
        return { type: declared, value: BigInt(value) }
      }
      throw wrong(declared === 'string' ? 'a string' : 'a boolean')
    case 'bigint':
      if (declared === undefined || declared === 'integer' || declared === 'unsigned') return { type: declared ?? 'integer', value }
      throw wrong(declared === 'float' ? 'a number' : declared === 'string' ? 'a string' : 'a boolean')
    case 'string':
      if (declared === undefined || declared === 'string') return { type: 'string', value }
      throw wrong(declared === 'boolean' ? 'a boolean' : declared === 'float' ? 'a number' : 'a bigint or a whole number')
    case 'boolean':
      if (declared === undefined || declared === 'boolean') return { type: 'boolean', value }
      throw wrong(declared === 'string' ? 'a string' : declared === 'float' ? 'a number' : 'a bigint or a whole number')
    default:
      throw invalid('row', index, column, `field value is ${describe(value)}; fields are numbers, bigints, strings or booleans (null/undefined = no value)`)
  }
}

/** Builds the record of one row; throws an InvalidInputError naming the row and column. */
export function rowToRecord(row: unknown, index: number, o: RowOptions, tagSet: ReadonlySet<string>): InfluxRecord {
  if (typeof row !== 'object' || row === null || Array.isArray(row)) {
    throw invalid('row', index, undefined, `a row must be an object of column: value, got ${describe(row)}`)
  }
  const tags: Record<string, string> = {}
  const fields: Record<string, FieldValue> = {}
  let fieldCount = 0
  for (const column of Object.keys(row)) {
    if (column === o.timestampColumn) continue
    const value = (row as Row)[column]
    if (value === undefined || value === null) continue
    if (tagSet.has(column)) {
      if (typeof value !== 'string') throw invalid('row', index, column, `tag value is ${describe(value)}; tag values must be strings: convert it with String(), or leave the column out of dataFrameTagColumns to make it a field`)
      tags[column] = value
      continue
    }
    fields[column] = fieldValue(value, o.fieldTypes[column], index, column)
    fieldCount++
  }
  if (fieldCount === 0) {
    throw invalid('row', index, undefined, `the row has no field (columns: ${Object.keys(row).join(', ') || 'none'}; tags: ${o.tagColumns.join(', ') || 'none'}; timestamp: ${o.timestampColumn}); InfluxDB needs at least one field per point`)
  }
  for (const key in o.defaultTags) if (tags[key] === undefined) tags[key] = o.defaultTags[key]!
  let timestamp: bigint
  try {
    timestamp = toNs((row as Row)[o.timestampColumn], o.timestampUnit)
  } catch (error) {
    if (!(error instanceof TimestampProblem)) throw error
    const missing = !(o.timestampColumn in row)
    const reason = missing ? `no timestamp column ${JSON.stringify(o.timestampColumn)} (columns: ${Object.keys(row).join(', ')}); add it, or name yours with dataFrameTimestampColumn` : error.message
    throw invalid('row', index, o.timestampColumn, reason)
  }
  return { measurement: o.measurement, tags, fields, timestamp }
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

/** True for `{ col: [...], col2: [...] }` (every value an array or typed array). */
export function isColumnar(input: object): input is Columnar {
  const values = Object.values(input)
  return values.length > 0 && values.every(isColumn)
}

/** One row object, an array of rows, or columnar data -> records and line protocol. */
export function normalizeRows(input: unknown, o: RowOptions): PointCollector {
  const collector = new PointCollector('row', o.skipInvalid)
  const tagSet = new Set(o.tagColumns)
  if (Array.isArray(input)) {
    for (let i = 0; i < input.length; i++) collector.add(i, () => rowToRecord(input[i], i, o, tagSet))
  } else if (typeof input === 'object' && input !== null && isColumnar(input)) {
    const length = columnarLength(input)
    const columns = Object.keys(input)
    for (let i = 0; i < length; i++) {
      collector.add(i, () => {
        const row: Record<string, unknown> = {}
        for (const column of columns) row[column] = input[column]![i]
        return rowToRecord(row, i, o, tagSet)
      })
    }
  } else {
    collector.add(0, () => rowToRecord(input, 0, o, tagSet))
  }
  return collector
}
