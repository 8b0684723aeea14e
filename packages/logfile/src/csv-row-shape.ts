// The compiled CSV row of one record shape. Its cells come in column order
// (tags, then fields, by name, then type), the order of every block that holds
// them, so one function serves every block: the block only decides the runs of
// commas between the cells (`gaps`).
import type { FieldType, InfluxRecord } from './record.js'
import { quoteCell } from './csv-cells.js'
import { CSV_STRING_SLOW, csvValue } from './field-encoders.js'
import type { RecordShape } from './record-shape.js'
import { compileShape, inTemplate, orUndefined } from './shape-code.js'

export interface CsvColumn {
  kind: 'tag' | 'field'
  name: string
  type?: FieldType
}

export function compareColumns(a: CsvColumn, b: CsvColumn): number {
  if (a.kind !== b.kind) return a.kind === 'tag' ? -1 : 1
  if (a.name !== b.name) return a.name < b.name ? -1 : 1
  return a.type === b.type ? 0 : (a.type ?? '') < (b.type ?? '') ? -1 : 1
}

/** Where a block puts a column: its index, or undefined when the block lacks it. */
export type ColumnIndex = (column: CsvColumn) => number | undefined

export class CsvRowShape {
  /** The block `gaps` were worked out for. */
  block = 0
  /** Commas before each cell and after the last (with the `\n`), or null when the block lacks a column of the shape. */
  gaps: string[] | null = null

  constructor(
    /** The shape's columns, sorted. */
    readonly columns: readonly CsvColumn[],
    /** The row for the gaps, `''` for null gaps (the record fits the shape), or undefined when the record does not fit. */
    readonly encode: (record: InfluxRecord, gaps: string[] | null) => string | undefined,
  ) {}

  /** Works out the gaps for a block of `width` columns. */
  place(block: number, width: number, indexOf: ColumnIndex): void {
    this.block = block
    this.gaps = []
    let last = -1
    for (const column of this.columns) {
      const index = indexOf(column)
      if (index === undefined) {
        this.gaps = null
        return
      }
      this.gaps.push(','.repeat(index - last))
      last = index
    }
    this.gaps.push(`${','.repeat(width - 1 - last)}\n`)
  }
}

const CELL: Readonly<Record<FieldType, (i: number) => string>> = {
  float: (i) => `\${x${i}}`,
  integer: (i) => `\${x${i}}`,
  unsigned: (i) => `\${x${i}}`,
  string: (i) => `\${s${i}}`,
  boolean: (i) => `\${x${i} ? 'true' : 'false'}`,
}

export function compileCsvRow(shape: RecordShape, tagText: (value: string) => string | undefined): CsvRowShape {
  const cells: (CsvColumn & { text: string })[] = []
  shape.tags.forEach(({ key, empty }, i) => {
    if (!empty) cells.push({ kind: 'tag', name: key, text: `\${E${i}}` })
  })
  shape.fields.forEach(({ key, type }, i) => cells.push({ kind: 'field', name: key, type, text: CELL[type](i) }))
  cells.sort(compareColumns)
  const row = cells.map((cell, j) => `\${G[${j}]}${cell.text}`).join('')
  const line = `if (G === null) return ''\nreturn \`\${t},${inTemplate(quoteCell(shape.measurement))}${row}\${G[${cells.length}]}\``
  const helpers = { tagText, stringSlow: CSV_STRING_SLOW, stringText: orUndefined(csvValue), bareStrings: true }
  const columns = cells.map(({ kind, name, type }): CsvColumn => (kind === 'tag' ? { kind, name } : { kind, name, type }))
  return new CsvRowShape(columns, compileShape(shape, helpers, line))
}
