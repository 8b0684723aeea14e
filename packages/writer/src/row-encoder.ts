import { RecordError, type FieldType, type FieldValue, type InfluxRecord } from '@eht-influx-client/logfile'
import { InvalidInputError } from './errors.js'
import { describeValue, FieldProblem, fieldText } from './field-text.js'
import { escapedFieldKey, escapedMeasurement, escapedTagKey, escapedTagValue } from './lp-probe.js'
import type { RowOptions } from './normalize-rows.js'
import { compileRow, type FastRow, type RecordSlot, type ShapeColumn } from './row-compiler.js'
import { invalid } from './point-collector.js'
import { TimestampProblem, toNs } from './timestamps.js'

/** How one column is written: its escaped key, or why its name is refused. */
interface Column {
  name: string
  tag: boolean
  key: string
  problem: string | undefined
  declared: FieldType | undefined
}

const PLAIN_TAG_VALUE = /^[A-Za-z0-9_.:/@+-]*$/
function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** Own and inherited enumerable keys, counted without making an array. */
function countKeys(row: object): number {
  let n = 0
  for (const _ in row) n++
  return n
}

const byName = (a: Column, b: Column) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)

/**
 * Rows -> line protocol for one write call, fast: each column's name is
 * checked and escaped once (by logfile's rules), tag values once per distinct
 * value, and the sorted column order is reused while rows keep the same keys.
 * Produces byte for byte what logfile's encodeLineProtocol gives for the record.
 */
export class RowEncoder {
  private readonly measurement: string
  private readonly columns = new Map<string, Column>()
  private readonly tagValues = new Map<string, string>()
  private readonly tagSet: ReadonlySet<string>
  private lastKeys: string[] = []
  private lastOrder: Column[] = []
  private lastFast: FastRow | undefined
  private readonly tagText = (value: string): string | undefined => this.tagValues.get(value) ?? (PLAIN_TAG_VALUE.test(value) ? this.remember(value, value) : undefined)

  constructor(private readonly o: RowOptions) {
    this.tagSet = new Set([...o.tagColumns, ...Object.keys(o.defaultTags)])
    try {
      this.measurement = escapedMeasurement(o.measurement)
    } catch (error) {
      if (!RecordError.isInstance(error)) throw error
      throw new InvalidInputError(`write(): dataFrameMeasurementName: ${error.message}`, undefined, 'dataFrameMeasurementName', { cause: error })
    }
  }

  /** The line for row `index`; with `out`, also its record. */
  encode(row: object, index: number, out?: RecordSlot): string {
    const values = row as Record<string, unknown>
    // A row with as many keys as the last shape, and every one of them (the compiled code checks), has its keys.
    const sameShape = this.lastFast !== undefined && countKeys(row) === this.lastKeys.length
    const fast = sameShape ? this.lastFast!(values, out, this.tagText) : undefined
    if (fast !== undefined) return fast
    const order = this.order(Object.keys(row))
    if (!sameShape) {
      const compiled = this.lastFast?.(values, out, this.tagText)
      if (compiled !== undefined) return compiled
    }
    const record: InfluxRecord | undefined = out === undefined ? undefined : { measurement: this.o.measurement, tags: {}, fields: {}, timestamp: 0n }
    let line = this.measurement
    let i = 0
    for (; i < order.length && order[i]!.tag; i++) {
      const column = order[i]!
      let value = values[column.name]
      if (value === undefined || value === null) value = this.o.defaultTags[column.name]
      if (value === undefined || value === null) continue
      if (typeof value !== 'string') throw invalid('row', index, column.name, `tag value is ${describeValue(value)}; tag values must be strings: convert it with String(), or leave the column out of dataFrameTagColumns to make it a field`)
      if (column.problem !== undefined) throw invalid('row', index, column.name, column.problem)
      if (record !== undefined) record.tags[column.name] = value
      const text = this.tagValue(value, index, column.name)
      if (text !== '') line += `,${column.key}=${text}`
    }
    let separator = ' '
    for (; i < order.length; i++) {
      const column = order[i]!
      const value = values[column.name]
      if (value === undefined || value === null) continue
      if (column.problem !== undefined) throw invalid('row', index, column.name, column.problem)
      // The common case inline: a finite number as a float, no record wanted.
      const text =
        record === undefined && typeof value === 'number' && column.declared === undefined && Number.isFinite(value) ? String(value) : this.field(value, column, index, record)
      line += `${separator}${column.key}=${text}`
      separator = ','
    }
    if (separator === ' ') {
      const keys = Object.keys(row)
      throw invalid('row', index, undefined, `the row has no field (columns: ${keys.join(', ') || 'none'}; tags: ${this.o.tagColumns.join(', ') || 'none'}; timestamp: ${this.o.timestampColumn}); InfluxDB needs at least one field per point`)
    }
    const timestamp = this.timestamp(values, index)
    if (record !== undefined) {
      record.timestamp = timestamp
      out!.record = record
    }
    return `${line} ${timestamp}`
  }

  private field(value: unknown, column: Column, index: number, record: InfluxRecord | undefined): string {
    try {
      return fieldText(value, column.declared, record === undefined ? undefined : (typed: FieldValue) => (record.fields[column.name] = typed))
    } catch (error) {
      if (!(error instanceof FieldProblem || RecordError.isInstance(error))) throw error
      // The value's check does not know the field's name: name it (the row's string column).
      const message = (error as Error).message.replace(/^string value\b/, `string field ${JSON.stringify(column.name)}`)
      throw invalid('row', index, column.name, message, error)
    }
  }

  private timestamp(row: Record<string, unknown>, index: number): bigint {
    const column = this.o.timestampColumn
    try {
      return toNs(row[column], this.o.timestampUnit)
    } catch (error) {
      if (!(error instanceof TimestampProblem)) throw error
      const reason = column in row ? error.message : `no timestamp column ${JSON.stringify(column)} (columns: ${Object.keys(row).join(', ')}); add it, or name yours with dataFrameTimestampColumn`
      throw invalid('row', index, column, reason)
    }
  }

  private tagValue(value: string, index: number, column: string): string {
    const known = this.tagText(value)
    if (known !== undefined) return known
    try {
      return this.remember(value, escapedTagValue(value))
    } catch (error) {
      throw invalid('row', index, column, (error as Error).message, error)
    }
  }

  /** Station tags repeat: remember a bounded number of escaped values. */
  private remember(value: string, text: string): string {
    if (this.tagValues.size < 4096) this.tagValues.set(value, text)
    return text
  }

  /** Tags then fields, each sorted by name (as line protocol wants); reused while the keys repeat. */
  private order(keys: string[]): Column[] {
    if (sameKeys(keys, this.lastKeys)) return this.lastOrder
    const tags: Column[] = []
    const fields: Column[] = []
    for (const name of keys) {
      if (name === this.o.timestampColumn) continue
      const column = this.column(name)
      ;(column.tag ? tags : fields).push(column)
    }
    for (const name of Object.keys(this.o.defaultTags)) if (!keys.includes(name)) tags.push(this.column(name))
    this.lastKeys = keys
    this.lastOrder = [...tags.sort(byName), ...fields.sort(byName)]
    this.lastFast = this.compile(keys)
    return this.lastOrder
  }

  /** The compiled encoder of this shape, when every name is valid. */
  private compile(keys: readonly string[]): FastRow | undefined {
    if (this.o.compile === false || this.lastOrder.some((c) => c.problem !== undefined)) return undefined
    const shape: ShapeColumn[] = []
    for (const c of this.lastOrder) {
      if (!c.tag || keys.includes(c.name)) {
        shape.push(c)
        continue
      }
      const raw = this.o.defaultTags[c.name]!
      let text: string
      try {
        text = raw === '' ? '' : this.tagValue(raw, 0, c.name)
      } catch {
        return undefined
      }
      shape.push({ ...c, constant: { raw, text } })
    }
    return compileRow(this.measurement, shape, this.o.timestampColumn, this.o.measurement, this.o.lines !== false || this.o.records === false)
  }

  private column(name: string): Column {
    let column = this.columns.get(name)
    if (column === undefined) {
      const tag = this.tagSet.has(name)
      let key = ''
      let problem: string | undefined
      try {
        key = tag ? escapedTagKey(name) : escapedFieldKey(name)
      } catch (error) {
        if (!RecordError.isInstance(error)) throw error
        // logfile names the record path (`fields.`), which means nothing to a caller of write()
        problem = name === '' ? `the column name is empty; InfluxDB needs a non-empty ${tag ? 'tag' : 'field'} key` : error.message
      }
      column = { name, tag, key, problem, declared: this.o.fieldTypes[name] }
      this.columns.set(name, column)
    }
    return column
  }
}
