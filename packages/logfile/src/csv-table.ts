// The column model of an annotated-CSV table, after InfluxDB's csv2lp: column
// annotations (#datatype, #default, #group), #constant virtual columns, a header
// row (labels, optionally `label|datatype|default`), then data rows.

export type LinePart = 'measurement' | 'tag' | 'field' | 'time' | 'ignored' | undefined

export interface CsvColumn {
  /** Cell index in a data row; -1 for a #constant column. */
  index: number
  label: string
  dataType: string
  format: string
  defaultValue: string
  linePart: LinePart
}

const ANNOTATIONS = ['#group', '#datatype', '#default', '#constant', '#timezone'] as const
type Annotation = (typeof ANNOTATIONS)[number]
const COLUMN_FLAGS: Partial<Record<Annotation, number>> = { '#group': 1, '#datatype': 2, '#default': 4 }

/** The annotation a row's first cell starts (`#datatype` or `#datatype value`), or undefined for a comment row. */
export function annotationOf(firstCell: string): Annotation | undefined {
  const lower = firstCell.toLowerCase()
  return ANNOTATIONS.find((a) => lower.startsWith(a) && (lower.length === a.length || lower[a.length] === ' '))
}

/** `#anything value` -> `value`; `#anything` -> ``; other text unchanged. */
export function stripAnnotation(value: string): string {
  if (!value.startsWith('#')) return value
  const space = value.indexOf(' ')
  return space > 0 ? value.slice(space + 1).trimStart() : ''
}

function newColumn(index: number): CsvColumn {
  return { index, label: '', dataType: '', format: '', defaultValue: '', linePart: undefined }
}

/** Applies `type`, `type:format`, `type|default` or `type:format|default` to a column. */
export function setDataType(column: CsvColumn, text: string): void {
  let value = stripAnnotation(text)
  const pipe = value.indexOf('|')
  if (pipe > 1 && column.defaultValue === '') {
    column.defaultValue = value.slice(pipe + 1)
    value = value.slice(0, pipe)
  }
  const colon = value.indexOf(':')
  if (colon > 1) {
    column.format = value.slice(colon + 1)
    value = value.slice(0, colon)
  }
  if (value === 'tag') column.linePart = 'tag'
  else if (value.startsWith('ignore')) column.linePart = 'ignored'
  else if (value === 'dateTime' || value === 'time') column.linePart = 'time'
  else if (value === 'measurement') column.linePart = 'measurement'
  else if (value === 'field') column.linePart = 'field'
  column.dataType = value === 'time' ? 'dateTime' : value
}

export class CsvTable {
  columns: CsvColumn[] = []
  constants: CsvColumn[] = []
  readingData = false
  headerLine = 0
  /** Why the rows of this table cannot be read (an annotation row and the header of different widths), else undefined. */
  mismatch: string | undefined
  private flags = 0
  /** The annotation row that gave the columns their number, and its line. */
  private widthFrom = { annotation: '', line: 0 }

  /** Applies an annotation row; a repeated column annotation, or any annotation but #timezone after data (#constant too), starts a new table. */
  annotate(annotation: Annotation, cells: readonly string[], line = 0): void {
    // Before the reset: #timezone says nothing about columns, so it does not end the table it is in.
    if (annotation === '#timezone') return // every supported dateTime format carries its zone or is UTC
    if (this.readingData) {
      // The table before is finished: what this row says belongs to the next one.
      this.readingData = false
      this.constants = []
      this.flags = 0
      this.mismatch = undefined
    }
    if (annotation === '#constant') return this.addConstant(cells)
    const flag = COLUMN_FLAGS[annotation]!
    if (this.flags === 0 || (this.flags & flag) !== 0) {
      this.flags = flag
      this.columns = cells.map((_, i) => newColumn(i))
      this.widthFrom = { annotation, line }
      this.mismatch = undefined
    } else {
      this.flags |= flag
      if (cells.length !== this.columns.length) this.mismatch ??= this.widthMismatch(`the ${annotation} row${line > 0 ? ` at line ${line}` : ''}`, cells.length)
    }
    for (const column of this.columns) {
      if (column.index >= cells.length) continue
      const value = column.index === 0 ? stripAnnotation(cells[0]!) : cells[column.index]!
      if (annotation === '#datatype') setDataType(column, value)
      else if (annotation === '#default') column.defaultValue = value
      else if (value.endsWith('true') && column.linePart === undefined) column.linePart = 'tag'
    }
  }

  private widthMismatch(row: string, cells: number): string {
    const { annotation, line } = this.widthFrom
    return `${row} has ${cells} cells but the ${annotation} row${line > 0 ? ` at line ${line}` : ''} has ${this.columns.length}`
  }

  /** `#constant,datatype,label,value`, `#constant datatype,label,value`, `#constant measurement,value`, `#constant dateTime,value`. */
  private addConstant(cells: readonly string[]): void {
    const column = newColumn(-1)
    setDataType(column, cells[0]!)
    let typeAt = 0
    if (column.dataType === '' && column.linePart === undefined) {
      typeAt = 1
      if (cells.length > 1) setDataType(column, cells[1]!)
    }
    column.label = cells[typeAt + 1] ?? ''
    column.defaultValue = cells[typeAt + 2] ?? column.defaultValue
    if ((column.linePart === 'measurement' || column.linePart === 'time') && column.defaultValue === '') {
      column.defaultValue = column.label
      column.label = `#constant ${column.dataType}`
    }
    this.constants.push(column)
  }

  /** True when the table has a #group row (a Flux result has one). */
  get grouped(): boolean {
    return (this.flags & COLUMN_FLAGS['#group']!) !== 0
  }

  /** Takes the labels of a header row; the rows after it are data. */
  header(cells: readonly string[], line: number): void {
    if (this.flags === 0) this.columns = cells.map((_, i) => newColumn(i))
    else if (cells.length !== this.columns.length) this.mismatch ??= this.widthMismatch(`the header row at line ${line}`, cells.length)
    for (const column of this.columns) {
      if (column.label !== '' || column.index >= cells.length) continue
      column.label = cells[column.index]!
      const pipe = column.label.indexOf('|')
      if (column.dataType === '' && pipe >= 0) {
        setDataType(column, column.label.slice(pipe + 1))
        column.label = column.label.slice(0, pipe)
      }
    }
    this.readingData = true
    this.headerLine = line
  }
}
