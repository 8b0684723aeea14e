import type { FieldType, InfluxRecord } from './record.js'
import { quoteCell } from './csv-cells.js'
import { csvValue } from './field-encoders.js'
import { compareColumns, compileCsvRow, type CsvColumn, type CsvRowShape } from './csv-row-shape.js'
import { atRecord, NameCache, noFields } from './name-cache.js'
import { checkFrame } from './name-rules.js'
import { orUndefined } from './shape-code.js'
import { ShapeCache } from './shape-cache.js'

/** Annotated-CSV datatype of each field type (`influx write --format csv`). */
export const CSV_DATATYPES: Readonly<Record<FieldType, string>> = { float: 'double', integer: 'long', unsigned: 'unsignedLong', string: 'string', boolean: 'boolean' }

/** Above this many columns a new block holds only the new record's columns instead of the union. */
const MAX_UNION_COLUMNS = 64

const measurements = new NameCache('measurement', quoteCell)
const tagKeys = new NameCache('tag key', quoteCell)
const tagValues = new NameCache('tag value', (value) => (value === '' ? '' : quoteCell(value)))
const fieldKeys = new NameCache('field key', quoteCell)

/** The compiled shapes (exported for tests). */
export const csvRowShapes = new ShapeCache((shape) => compileCsvRow(shape, orUndefined((value: string) => tagValues.get(value, 'tags'))))
/** Encoders that never use compiled shapes (the reference in tests). */
const generalOnly = new WeakSet<CsvEncoder>()

/** A `CsvEncoder` that encodes every record the general way (for tests). */
export function generalCsvEncoder(): CsvEncoder {
  const encoder = new CsvEncoder()
  generalOnly.add(encoder)
  return encoder
}

/** Block numbers, unique across encoders (the compiled shapes are shared, and remember the block they were placed in). */
let blocks = 0

/** One record's cells, checked, before they are placed in a block. */
interface Cells {
  measurement: string
  tags: [name: string, cell: string][]
  fields: [name: string, type: FieldType, cell: string][]
}

function cellsOf(record: InfluxRecord): Cells {
  checkFrame(record)
  const cells: Cells = { measurement: measurements.get(record.measurement, 'measurement'), tags: [], fields: [] }
  for (const name in record.tags) {
    tagKeys.get(name, 'tags')
    const cell = tagValues.get(record.tags[name]!, 'tags', name)
    if (cell !== '') cells.tags.push([name, cell])
  }
  for (const name in record.fields) {
    fieldKeys.get(name, 'fields')
    const field = record.fields[name]!
    // csvValue() first: it checks that the field is a { type, value } object (null is not).
    const cell = csvValue(name, field)
    cells.fields.push([name, field.type, cell])
  }
  if (cells.fields.length === 0) noFields(record)
  return cells
}

function ownColumns(cells: Cells): CsvColumn[] {
  return [...cells.tags.map(([name]): CsvColumn => ({ kind: 'tag', name })), ...cells.fields.map(([name, type]): CsvColumn => ({ kind: 'field', name, type }))]
}

/**
 * InfluxDB extended annotated CSV, as `influx write --format csv` reads it:
 * each block is a `#datatype` row and a header row (timestamp column first,
 * `dateTime:number` nanoseconds), then one row per record. A record whose tags
 * or fields are not columns of the current block starts a new block (with the
 * union of both column sets, so alternating shapes do not repeat headers).
 * Absent tags and fields are empty cells; an empty string is `""`.
 */
export class CsvEncoder {
  private columns: CsvColumn[] = []
  private tagIndex = new Map<string, number>()
  private fieldIndex = new Map<string, Partial<Record<FieldType, number>>>()
  private started = false
  private block = ++blocks

  /** The next record starts a new annotation block (e.g. after another process wrote to the file). */
  reset(): void {
    this.started = false
    this.block = ++blocks
  }

  /**
   * Rows for the records, preceded by an annotation block when the columns change;
   * every line ends with `\n`. Throws `RecordError` naming the record (and then
   * starts a new block next time, as the text of this call is lost).
   */
  encode(records: readonly InfluxRecord[]): string {
    const out: string[] = [] // joined once: a string built by += is costly to flatten later
    this.encodeTo(records, (text) => out.push(text))
    return out.join('')
  }

  /** `encode()`, giving the text piece by piece to `add`. */
  encodeTo(records: readonly InfluxRecord[], add: (text: string) => void): void {
    const compile = !generalOnly.has(this)
    for (let i = 0; i < records.length; i++) {
      const record = records[i]!
      const compiled = compile ? this.compiledRow(record) : undefined
      if (compiled !== undefined) {
        add(compiled)
        continue
      }
      let cells: Cells
      try {
        cells = cellsOf(record)
      } catch (error) {
        this.reset()
        throw atRecord(error, i, records.length)
      }
      if (!this.started || !this.fits(cells)) add(this.startBlock(ownColumns(cells)))
      add(this.row(record, cells))
      if (compile) csvRowShapes.learn(record)
    }
  }

  /** The record's row (after a new block when its columns call for one) by a compiled shape, or undefined. */
  private compiledRow(record: InfluxRecord): string | undefined {
    const candidates = csvRowShapes.candidates(record)
    if (candidates === undefined) return undefined
    for (let i = 0; i < candidates.length; i++) {
      const shape = candidates[i]!
      if (shape.block !== this.block) this.place(shape)
      if (shape.gaps !== null) {
        const row = shape.encode(record, shape.gaps)
        if (row !== undefined) return row
      } else if (shape.encode(record, null) !== undefined) {
        const header = this.startBlock(shape.columns)
        this.place(shape)
        const row = shape.encode(record, shape.gaps)
        if (row !== undefined) return header + row
        this.reset() // a record that changed between two reads: the general path takes it, in a block of its own
        return undefined
      }
    }
    return undefined
  }

  private place(shape: CsvRowShape): void {
    if (this.started) shape.place(this.block, this.columns.length, (c) => (c.kind === 'tag' ? this.tagIndex.get(c.name) : this.fieldIndex.get(c.name)?.[c.type!]))
    else shape.gaps = null
  }

  private fits(cells: Cells): boolean {
    for (const [name] of cells.tags) if (!this.tagIndex.has(name)) return false
    for (const [name, type] of cells.fields) if (this.fieldIndex.get(name)?.[type] === undefined) return false
    return true
  }

  private startBlock(own: readonly CsvColumn[]): string {
    let columns = [...own]
    if (this.started && this.columns.length + own.length <= MAX_UNION_COLUMNS) {
      columns = [...this.columns, ...own.filter((c) => !this.columns.some((d) => compareColumns(c, d) === 0))]
    }
    columns.sort(compareColumns)
    this.columns = columns
    this.tagIndex.clear()
    this.fieldIndex.clear()
    columns.forEach((column, index) => {
      if (column.kind === 'tag') this.tagIndex.set(column.name, index)
      else this.fieldIndex.set(column.name, { ...this.fieldIndex.get(column.name), [column.type!]: index })
    })
    this.started = true
    this.block = ++blocks
    const types = columns.map((c) => `,${c.kind === 'tag' ? 'tag' : CSV_DATATYPES[c.type!]}`)
    const labels = columns.map((c) => `,${quoteCell(c.name)}`)
    return `#datatype dateTime:number,measurement${types.join('')}\ntime,measurement${labels.join('')}\n`
  }

  private row(record: InfluxRecord, cells: Cells): string {
    const row = new Array<string>(this.columns.length).fill('')
    for (const [name, cell] of cells.tags) row[this.tagIndex.get(name)!] = cell
    for (const [name, type, cell] of cells.fields) row[this.fieldIndex.get(name)![type]!] = cell
    return `${record.timestamp},${cells.measurement}${row.length === 0 ? '' : `,${row.join(',')}`}\n`
  }
}
