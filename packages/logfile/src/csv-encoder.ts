import type { FieldType, InfluxRecord } from './record.js'
import { quoteCell } from './csv-cells.js'
import { csvValue } from './field-encoders.js'
import { atRecord, NameCache, noFields } from './name-cache.js'
import { checkFrame } from './name-rules.js'

/** Annotated-CSV datatype of each field type (`influx write --format csv`). */
export const CSV_DATATYPES: Readonly<Record<FieldType, string>> = { float: 'double', integer: 'long', unsigned: 'unsignedLong', string: 'string', boolean: 'boolean' }

/** Above this many columns a new block holds only the new record's columns instead of the union. */
const MAX_UNION_COLUMNS = 64

const measurements = new NameCache('measurement', quoteCell)
const tagKeys = new NameCache('tag key', quoteCell)
const tagValues = new NameCache('tag value', (value) => (value === '' ? '' : quoteCell(value)))
const fieldKeys = new NameCache('field key', quoteCell)

interface Column {
  kind: 'tag' | 'field'
  name: string
  type?: FieldType
}

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
    cells.fields.push([name, field.type, csvValue(name, field)])
  }
  if (cells.fields.length === 0) noFields(record)
  return cells
}

function compareColumns(a: Column, b: Column): number {
  if (a.kind !== b.kind) return a.kind === 'tag' ? -1 : 1
  if (a.name !== b.name) return a.name < b.name ? -1 : 1
  return a.type === b.type ? 0 : (a.type ?? '') < (b.type ?? '') ? -1 : 1
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
  private columns: Column[] = []
  private tagIndex = new Map<string, number>()
  private fieldIndex = new Map<string, Partial<Record<FieldType, number>>>()
  private started = false

  /** The next record starts a new annotation block (e.g. after another process wrote to the file). */
  reset(): void {
    this.started = false
  }

  /**
   * Rows for the records, preceded by an annotation block when the columns change;
   * every line ends with `\n`. Throws `RecordError` naming the record (and then
   * starts a new block next time, as the text of this call is lost).
   */
  encode(records: readonly InfluxRecord[]): string {
    const out: string[] = [] // joined once: a string built by += is costly to flatten later
    for (let i = 0; i < records.length; i++) {
      let cells: Cells
      try {
        cells = cellsOf(records[i]!)
      } catch (error) {
        this.reset()
        throw atRecord(error, i, records.length)
      }
      if (!this.started || !this.fits(cells)) out.push(this.startBlock(cells))
      out.push(this.row(records[i]!, cells))
    }
    return out.join('')
  }

  private fits(cells: Cells): boolean {
    for (const [name] of cells.tags) if (!this.tagIndex.has(name)) return false
    for (const [name, type] of cells.fields) if (this.fieldIndex.get(name)?.[type] === undefined) return false
    return true
  }

  private startBlock(cells: Cells): string {
    const own: Column[] = [...cells.tags.map(([name]): Column => ({ kind: 'tag', name })), ...cells.fields.map(([name, type]): Column => ({ kind: 'field', name, type }))]
    let columns = own
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
