import { QUOTE } from './char-codes.js'
import { CsvError } from './errors.js'

// RFC 4180 cells. Strict: a bare quote inside an unquoted cell, text after a
// closing quote, or an unclosed quote is an error (a torn row must never read as
// a shorter valid one). A quoted cell cannot span lines.

/** Indexes of the cells of the last split row that were a quoted empty string (`""`), which is a value, not an absent one. */
export const quotedEmptyCells: number[] = []

/** Splits one CSV row into its cells. */
export function splitRow(line: string, separator: string): string[] {
  // (Setting the length of an empty array still costs a call: about a tenth of a plain row's split.)
  if (quotedEmptyCells.length !== 0) quotedEmptyCells.length = 0
  if (!line.includes('"')) return plainCells(line, separator)
  const cells: string[] = []
  const sep = separator.charCodeAt(0)
  let i = 0
  for (;;) {
    if (line.charCodeAt(i) === QUOTE) {
      let value = ''
      let from = i + 1
      let j = from
      for (;;) {
        j = line.indexOf('"', j)
        if (j < 0) throw new CsvError(`cell ${cells.length + 1}: quoted cell has no closing quote`, cells.length + 1)
        if (line.charCodeAt(j + 1) === QUOTE) {
          value += line.slice(from, j + 1)
          from = j = j + 2
          continue
        }
        break
      }
      value += line.slice(from, j)
      if (value === '') quotedEmptyCells.push(cells.length)
      cells.push(value)
      i = j + 1
      if (i >= line.length) return cells
      if (line.charCodeAt(i) !== sep) throw new CsvError(`cell ${cells.length}: text after the closing quote`, cells.length)
      i++
    } else {
      let end = line.indexOf(separator, i)
      if (end < 0) end = line.length
      const value = line.slice(i, end)
      if (value.includes('"')) throw new CsvError(`cell ${cells.length + 1}: a double quote inside an unquoted cell`, cells.length + 1)
      cells.push(value)
      if (end >= line.length) return cells
      i = end + 1
    }
  }
}

/**
 * The cells of a row without quotes: as line.split(separator), found with
 * indexOf (String.prototype.split took about twice as long on the rows of
 * bench/logfile.mjs, which are mostly empty cells).
 */
function plainCells(line: string, separator: string): string[] {
  const cells: string[] = []
  let i = 0
  for (;;) {
    const end = line.indexOf(separator, i)
    if (end < 0) {
      cells.push(i === line.length ? '' : line.slice(i))
      return cells
    }
    cells.push(end === i ? '' : line.slice(i, end))
    i = end + 1
  }
}

const NEEDS_QUOTES = /[",\r\n]/

/** A cell as RFC 4180 writes it: quoted (quotes doubled) when it holds a comma, quote, CR or LF, or is empty. */
export function quoteCell(value: string): string {
  if (value === '') return '""'
  return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value
}
