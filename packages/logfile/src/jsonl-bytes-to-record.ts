// JSONL -> records on the bytes read, for lines of a shape the decoder has
// remembered (jsonl-shapes.ts): no line string, no regular expression, no
// lookup by a slice of the line. A line is taken only when decodeJsonl would
// give the same record (the same checks, made on bytes by jsonl-byte-match.ts);
// for anything else the result is undefined and the line goes the string way,
// which also reports bad lines with their reasons.
import { decimalBigInt } from './decimal-digits.js'
import { ends, guessedShape, marks, matchedShape, matchShape, starts, timeEnd as timeEndOf, TIME_START, type ByteText } from './jsonl-byte-match.js'
import { compileShapeMatcher } from './jsonl-bytes-to-record-code.js'
import { buildRecord, compileBuilder } from './jsonl-record-builder.js'
import type { InfluxRecord } from './record.js'
import { bodyEnd, bodyStart, type LineBatch } from './line-source.js'

/** Records of a shape made with the general builder before its own is compiled. */
const COMPILE_AT = 8

/** The record of line [s, e) of `src` (no newline), or undefined: read the line the string way. */
export function decodeJsonlBytes(src: ByteText, s: number, e: number): InfluxRecord | undefined {
  const { text, bytes } = src
  // The shape matchShape() would try first, by its compiled matcher.
  let shape = guessedShape()
  const code = shape?.recordCode
  let timeEnd = code != null && shape!.types.length <= starts.length ? code(bytes, src.view, text, s, e, starts, ends, marks) : -1
  if (timeEnd >= 0) matchedShape(shape!)
  else {
    timeEnd = timeEndOf(src, s, e)
    if (timeEnd < 0) return undefined
    shape = matchShape(src, e, timeEnd, 'record')
    if (shape === undefined) return undefined
  }
  const timestamp = decimalBigInt(bytes, s + TIME_START.byteLength, timeEnd)
  const builder = shape!.builder
  if (builder !== undefined && builder !== null) return builder(text, bytes, starts, ends, marks, timestamp)
  if (builder === undefined && ++shape!.reads >= COMPILE_AT) {
    shape!.builder = compileBuilder(shape!) ?? null
    // (Where code generation is off, the builder's attempt said so.)
    shape!.recordCode = shape!.builder === null ? null : (compileShapeMatcher(shape!) ?? null)
  }
  return buildRecord(shape!, text, bytes, starts, ends, marks, timestamp)
}

/** The record of line `i` of `batch` read from its bytes (an ASCII chunk, no problem found with the line), or undefined. */
export function recordOfLine(batch: LineBatch, i: number): InfluxRecord | undefined {
  const { body } = batch
  if (body === undefined || i < (batch.bodyFirst ?? 0) || batch.problems?.has(i) === true) return undefined
  const s = bodyStart(batch, i)
  return decodeJsonlBytes(body, s, bodyEnd(batch, i, s))
}
