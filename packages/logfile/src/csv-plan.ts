// How the columns of an annotated-CSV table make a record, after InfluxDB's csv2lp.
import { CsvError } from './errors.js'
import { quotedEmptyCells } from './csv-cells.js'
import type { CsvColumn, CsvTable } from './csv-table.js'
import { parseFieldToken } from './lp-decode.js'
import type { FieldValue, InfluxRecord } from './record.js'
import { parseRfc3339 } from './rfc3339.js'

/** A `double` cell (csv-row-code.ts reads the same grammar). */
export const FLOAT = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/
const LONG = /^[-+]?\d+$/
const UNSIGNED = /^\+?\d+$/
const INTEGER_NS = /^-?\d+$/
const FIELD_TYPES = new Set(['', 'field', 'double', 'long', 'unsignedLong', 'string', 'boolean'])
/** The first characters of a `boolean` cell, as csv2lp reads them: true, and false. */
export const BOOLEAN_TRUE = 'tTyY1'
export const BOOLEAN_FALSE = 'fFnN0'
const TIME_FORMATS = new Set(['', 'number', 'RFC3339', 'RFC3339Nano'])

export interface Plan {
  measurement: CsvColumn
  time: CsvColumn
  tags: CsvColumn[]
  fields: CsvColumn[]
  /** Two field columns share a label: a row must not fill both. */
  repeatedFields: boolean
  fieldName: CsvColumn | undefined
  fieldValue: CsvColumn | undefined
  width: number
}

const describe = (c: CsvColumn) => (c.index < 0 ? `#constant ${JSON.stringify(c.label)}` : `column ${JSON.stringify(c.label)} (cell ${c.index + 1})`)

function checkFieldColumn(column: CsvColumn): void {
  if (!FIELD_TYPES.has(column.dataType)) throw new CsvError(`${describe(column)}: datatype ${JSON.stringify(column.dataType)} is not supported (double, long, unsignedLong, string, boolean, tag, measurement, dateTime, ignored)`)
  if (column.format !== '') throw new CsvError(`${describe(column)}: datatype format ${JSON.stringify(`${column.dataType}:${column.format}`)} is not supported`)
}

/** Columns of a Flux result that say which result and table a row is of: not part of the point. */
const FLUX_OWN = new Set(['result', 'table'])

/**
 * Decides which column is the measurement, time, tags and fields, as csv2lp
 * does, except for what csv2lp would drop without a word: in a `_field`/`_value`
 * table, a text column that is neither grouped nor a tag is a tag (every
 * column of such a table but the value describes the series: Flux's `group()`
 * leaves tags out of the group key, not out of the table), and any other column
 * makes the table an error; in a Flux result (a first column without a label,
 * a #group row), `result` and `table` are no fields.
 */
export function planOf(table: CsvTable): Plan {
  const all = [...table.columns, ...table.constants]
  const defaultIsField = !all.some((c) => c.label === '_field')
  const flux = table.grouped && table.columns[0]?.label === ''
  /** Columns of a `_field`/`_value` table that are not the point's (not text, so no tag). */
  const unread: CsvColumn[] = []
  let measurement: CsvColumn | undefined
  let fieldName: CsvColumn | undefined
  let fieldValue: CsvColumn | undefined
  const tags = new Map<string, CsvColumn>()
  const fields: CsvColumn[] = []
  let repeatedFields = false
  const times: CsvColumn[] = []
  // Two columns for one thing would make a record keep the last cell and drop the other (InfluxDB answers `duplicate tags`).
  const twice = (what: string, a: CsvColumn, b: CsvColumn): never => {
    throw new CsvError(`${what} appears twice: ${describe(a)} and ${describe(b)}`)
  }
  for (const column of all) {
    if (column.label === '_measurement' || column.linePart === 'measurement') {
      if (measurement !== undefined) twice('the measurement', measurement, column)
      measurement = column
    } else if (column.label === '_time' || column.linePart === 'time') times.push(column)
    else if (column.label === '' || column.linePart === 'ignored') continue
    else if (column.label === '_field') {
      if (fieldName !== undefined) twice('the _field column', fieldName, column)
      fieldName = column
    } else if (column.label === '_value') {
      if (fieldValue !== undefined) twice('the _value column', fieldValue, column)
      fieldValue = column
    }
    else if (column.linePart === 'tag' || (!defaultIsField && column.linePart !== 'field' && !FLUX_OWN.has(column.label) && (column.dataType === 'string' || column.dataType === ''))) {
      const other = tags.get(column.label)
      if (other !== undefined) twice(`tag ${JSON.stringify(column.label)}`, other, column)
      tags.set(column.label, column)
    } else if (column.linePart === 'field' || defaultIsField) {
      if (flux && FLUX_OWN.has(column.label)) continue
      // Two columns of one field name may hold it with two types (CsvEncoder's blocks do): a row may fill only one of them (recordOf).
      if (fields.some((other) => other.label === column.label)) repeatedFields = true
      fields.push(column)
    } else if (!FLUX_OWN.has(column.label)) unread.push(column)
  }
  if (unread.length > 0) {
    const names = unread.map((c) => `${describe(c)} of datatype ${JSON.stringify(c.dataType)}`).join(', ')
    throw new CsvError(`${names} beside _field and _value: not text, so no tag, and not the field value; the table is not read (mark such a column #datatype ignored to leave it out)`)
  }
  if (measurement === undefined) throw new CsvError('the table has no measurement column (#datatype measurement, or a _measurement label)')
  // A Flux result has `_start` and `_stop` besides `_time`: `_time` is the time then.
  const named = times.filter((c) => c.label === '_time')
  const candidates = named.length > 0 ? named : times
  if (candidates.length > 1) twice('the timestamp (a dateTime column)', candidates[0]!, candidates[1]!)
  const time = candidates[0]
  if (time === undefined) throw new CsvError('the table has no dateTime column; every record needs a timestamp')
  if (time.dataType !== 'dateTime' || !TIME_FORMATS.has(time.format)) throw new CsvError(`${describe(time)}: ${JSON.stringify(`${time.dataType}:${time.format}`)} is not supported (dateTime:number, dateTime:RFC3339, dateTime:RFC3339Nano)`)
  for (const column of fields) checkFieldColumn(column)
  if (fieldValue !== undefined) checkFieldColumn(fieldValue)
  const sortedTags = [...tags.values()].sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0))
  return { measurement, time, tags: sortedTags, fields, repeatedFields, fieldName, fieldValue, width: table.columns.length }
}

/** The text of a column in a row: its cell, else its default; undefined when both are empty. */
function cellOf(column: CsvColumn, cells: readonly string[]): string | undefined {
  const cell = column.index < 0 ? '' : cells[column.index]!
  if (cell !== '' || quotedEmptyCells.includes(column.index)) return cell
  return column.defaultValue === '' ? undefined : column.defaultValue
}

function fieldOf(column: CsvColumn, text: string, name: string): FieldValue {
  const bad = (what: string): never => {
    throw new CsvError(`${describe(column)}: ${JSON.stringify(text)} is not ${what}`, column.index + 1)
  }
  switch (column.dataType) {
    case 'double': {
      const value = FLOAT.test(text) ? Number(text) : NaN
      return Number.isFinite(value) ? { type: 'float', value } : bad('a finite double')
    }
    case 'long':
      return LONG.test(text) ? { type: 'integer', value: BigInt(text) } : bad('a long (integer)')
    case 'unsignedLong':
      return UNSIGNED.test(text) ? { type: 'unsigned', value: BigInt(text) } : bad('an unsignedLong')
    case 'string':
      return { type: 'string', value: text }
    case 'boolean': {
      const first = text[0] ?? ''
      if (BOOLEAN_TRUE.includes(first) && first !== '') return { type: 'boolean', value: true }
      return BOOLEAN_FALSE.includes(first) && first !== '' ? { type: 'boolean', value: false } : bad('a boolean')
    }
    default: {
      // `field` or no datatype: the text is a line-protocol field value, as csv2lp copies it.
      if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) return { type: 'string', value: text.slice(1, -1).replace(/\\(["\\])/g, '$1') }
      try {
        return parseFieldToken(text, name, column.index)
      } catch (error) {
        return bad(`a line-protocol field value (${error instanceof Error ? error.message : String(error)})`)
      }
    }
  }
}

function timeOf(column: CsvColumn, text: string): bigint {
  if (INTEGER_NS.test(text) && column.format !== 'RFC3339' && column.format !== 'RFC3339Nano') return BigInt(text)
  if (column.format === 'number') throw new CsvError(`${describe(column)}: ${JSON.stringify(text)} is not an integer of nanoseconds`, column.index + 1)
  try {
    return parseRfc3339(text)
  } catch (error) {
    throw new CsvError(`${describe(column)}: ${error instanceof Error ? error.message : String(error)}`, column.index + 1, { cause: error })
  }
}

/** A row with two values for one field: the record would keep the last and drop the other. */
function fieldTwice(plan: Plan, name: string, second: CsvColumn): CsvError {
  const first = plan.fields.find((c) => c.label === name && c !== second)
  const where = first === undefined ? describe(second) : `${describe(first)} and ${describe(second)}`
  return new CsvError(`field ${JSON.stringify(name)} appears twice in the row: ${where}`, second.index + 1)
}

/** The record of a data row (names and values not yet checked against the record rules). */
export function recordOf(plan: Plan, cells: readonly string[]): InfluxRecord {
  const measurement = cellOf(plan.measurement, cells)
  if (measurement === undefined) throw new CsvError(`${describe(plan.measurement)}: no measurement`, plan.measurement.index + 1)
  const timeText = cellOf(plan.time, cells)
  if (timeText === undefined) throw new CsvError(`${describe(plan.time)}: no timestamp`, plan.time.index + 1)
  const tags: Record<string, string> = {}
  for (const column of plan.tags) {
    const value = cellOf(column, cells)
    if (value !== undefined && value !== '') tags[column.label] = value
  }
  const fields: Record<string, FieldValue> = {}
  for (const column of plan.fields) {
    const value = cellOf(column, cells)
    if (value === undefined) continue
    if (plan.repeatedFields && Object.hasOwn(fields, column.label)) throw fieldTwice(plan, column.label, column)
    fields[column.label] = fieldOf(column, value, column.label)
  }
  if (plan.fieldName !== undefined && plan.fieldValue !== undefined) {
    const name = cellOf(plan.fieldName, cells)
    const value = cellOf(plan.fieldValue, cells)
    if (name !== undefined && name !== '' && value !== undefined) {
      if (Object.hasOwn(fields, name)) throw fieldTwice(plan, name, plan.fieldValue)
      fields[name] = fieldOf(plan.fieldValue, value, name)
    }
  }
  return { measurement, tags, fields, timestamp: timeOf(plan.time, timeText) }
}
