import type { LogFormat } from './record.js'

const NEWLINE = 0x0a

/**
 * How many records the first `written` bytes of an appended buffer hold as whole
 * lines: the buffer is a writer's encoding of records (one line each, never a
 * newline inside one), after `skip` bytes of its own (the torn-line marker). CSV
 * lines that start with neither a digit nor `-` are the annotation block, not
 * records (a record's row starts with its time).
 */
export function recordsInWritten(format: LogFormat, buffer: Buffer, skip: number, written: number): number {
  let records = 0
  for (let start = skip; start < written; ) {
    const end = buffer.indexOf(NEWLINE, start)
    if (end < 0 || end >= written) break
    const first = buffer[start]!
    if (format !== 'csv' || (first >= 0x30 && first <= 0x39) || first === 0x2d) records++
    start = end + 1
  }
  return records
}
