import { CsvError, LogfileError } from './errors.js'
import { splitRow } from './csv-cells.js'
import { planOf, recordOf, type Plan } from './csv-plan.js'
import { rowReaderOf, type CsvRowReader } from './csv-row-code.js'
import { annotationOf, CsvTable } from './csv-table.js'
import type { InfluxRecord } from './record.js'
import { checkRecord, keysValid } from './validate-record.js'

/** Rows of a table read the general way before its rows are read by compiled code (a table of a few rows is not worth compiling). */
const ROWS_BEFORE_COMPILING = 8

/**
 * Reads annotated CSV line by line (the subset described in the README). Keeps
 * the table state between lines: feed every line of a file in order.
 */
export class CsvDecoder {
  private separator = ','
  private table = new CsvTable()
  private plan: Plan | CsvError | undefined
  /** The plan's tag and field keys are its column labels, all valid: records need no key checks (a `_field` column makes keys per row). */
  private keysChecked = false
  /** The table's compiled row reader (csv-row-code.ts): undefined until ROWS_BEFORE_COMPILING rows were read, null when the table needs the general path. */
  private rowReader: CsvRowReader | null | undefined
  /** Data rows of this table read the general way so far. */
  private rows = 0
  /**
   * When an annotation row after data started a new table: the plan of the table before and the
   * annotation's line, until the new table's header row (see header()).
   */
  private after: { plan: Plan; line: number } | undefined

  /**
   * The record of a data row; undefined for `sep=`, annotation, comment, header
   * and blank rows (and for data rows when `skipData`). Throws `CsvError`.
   */
  decodeLine(text: string, lineNumber: number, skipData = false): InfluxRecord | undefined {
    if (text === '') return undefined
    if (lineNumber === 1 && text.length === 5 && text.startsWith('sep=')) {
      this.separator = text[4]!
      return undefined
    }
    if (text.charCodeAt(0) === 0x23 /* # */) return this.annotation(text, lineNumber)
    if (!this.table.readingData) return this.header(text, lineNumber)
    if (skipData) return undefined
    const plan = this.plan!
    if (plan instanceof CsvError) throw new CsvError(`${plan.message} (table header at line ${this.table.headerLine})`)
    const reader = this.rowReader
    if (reader !== undefined) {
      if (reader !== null) {
        const fast = reader(text)
        if (fast !== undefined) return fast
      }
    } else if (++this.rows === ROWS_BEFORE_COMPILING) {
      this.rowReader = rowReaderOf(plan, this.keysChecked, this.separator) ?? null
    }
    const cells = splitRow(text, this.separator)
    if (cells.length !== plan.width) throw new CsvError(`row has ${cells.length} cells but the header at line ${this.table.headerLine} has ${plan.width}`)
    const record = recordOf(plan, cells)
    try {
      checkRecord(record, this.keysChecked)
    } catch (error) {
      if (LogfileError.isInstance(error)) throw new CsvError(error.message, undefined, { cause: error })
      throw error
    }
    return record
  }

  private annotation(text: string, lineNumber: number): undefined {
    const separator = text.indexOf(this.separator)
    const annotation = annotationOf(separator < 0 ? text : text.slice(0, separator))
    if (annotation === undefined) return undefined // a comment row
    let cells: string[]
    try {
      cells = splitRow(text, this.separator)
    } catch (error) {
      this.table.readingData = true
      this.plan = new CsvError(`the ${annotation} annotation before it could not be read`)
      throw error
    }
    if (this.table.readingData && annotation !== '#timezone' && this.plan !== undefined && !(this.plan instanceof CsvError)) this.after = { plan: this.plan, line: lineNumber }
    this.table.annotate(annotation, cells, lineNumber)
    if (this.table.readingData) this.plan = this.planOrError()
    return undefined
  }

  private header(text: string, lineNumber: number): undefined {
    let cells: string[]
    try {
      cells = splitRow(text, this.separator)
    } catch (error) {
      this.table.header([], lineNumber)
      this.plan = new CsvError('its header row could not be read')
      throw error
    }
    this.table.header(cells, lineNumber)
    this.plan = this.planOrError()
    const after = this.after
    this.after = undefined
    // An annotation after data starts a new table, whose next row is its header (annotated CSV has
    // no other way to say where a table starts). A writer that meant the row as data (a #constant
    // slipped between data rows) would lose it without a word: a header row that reads as a
    // record of the table before is taken as the header still, but reported.
    if (after !== undefined && readsAsData(after.plan, cells)) {
      throw new CsvError(
        `this row was taken as the header of a new table (the annotation row at line ${after.line} after data rows starts one), but it reads as a data row of the table before and was not read as data (if it is data, put the new table's header row before it)`,
      )
    }
    return undefined
  }

  private planOrError(): Plan | CsvError {
    this.keysChecked = false
    this.rowReader = undefined
    this.rows = 0
    if (this.table.mismatch !== undefined) return new CsvError(this.table.mismatch)
    let plan: Plan
    try {
      plan = planOf(this.table)
    } catch (error) {
      if (error instanceof CsvError) return error
      throw error
    }
    this.keysChecked = plan.fieldName === undefined && plan.fieldValue === undefined && keysValid(plan.tags.map((c) => c.label), plan.fields.map((c) => c.label))
    return plan
  }
}

/** Whether `cells` make a valid record under `plan`. */
function readsAsData(plan: Plan, cells: readonly string[]): boolean {
  if (cells.length !== plan.width) return false
  try {
    checkRecord(recordOf(plan, cells), false)
    return true
  } catch {
    return false
  }
}
