// JSONL -> line protocol without building a record, for lines of a shape the
// decoder has seen (jsonl-shapes.ts). Per shape the constant parts of the line
// protocol are built once: the measurement and sorted tags, and each field key
// in sorted order; per line only the time and the values are spliced in. A line
// that is anything but plain (an escape in a string, -0, a value or time near or
// out of range, an unknown shape) goes through decodeJsonl + encodeLineProtocol,
// so the output is byte for byte what those two give, and a bad line fails the
// same way with the same reason.
import { decodeJsonl } from './jsonl-decode.js'
import { encodeLineProtocol } from './lp-encode.js'
import { isPrintedFloat } from './printed-float.js'
import { escapeKey, escapeMeasurement } from './lp-escape.js'
import { closingQuote, FIELDS_AT, firstValueAt, holds, JSON_NUMBER, MEASUREMENT_AT, numberEnd, shapesOf, TIME_START, type Shape } from './jsonl-shapes.js'
import { decimalLimits, type DecimalLimits } from './decimal-limits.js'
import { addByteShape } from './jsonl-byte-shapes.js'
import { INT64_MAX, INT64_MIN, TIMESTAMP_MAX, TIMESTAMP_MIN, UINT64_MAX } from './record.js'

/** A JSONL line as line protocol, with what the reader's filters need. */
export interface TranscodedLine {
  lineProtocol: string
  measurement: string
  /** The timestamp's decimal text (in InfluxDB's range, as line protocol prints it). */
  time: string
}

interface LpShape {
  /** Escaped measurement, sorted non-empty tags, and the space before the fields. */
  head: string
  /** Line-order index of the field at each sorted position. */
  order: number[]
  /** `key=` (and the comma before every key but the first) at each sorted position. */
  keys: string[]
  /** Set once a line of this shape was checked against decodeJsonl + encodeLineProtocol. */
  checked: boolean
}

const STRING_NEEDS_CHECK = /[\\\x00-\x1f\uD800-\uDFFF]/
const values: string[] = []
let at = 0

function lpShape(shape: Shape): LpShape {
  const tags = Object.keys(shape.tags).sort()
  let head = escapeMeasurement(shape.measurement)
  for (const key of tags) if (shape.tags[key] !== '') head += `,${escapeKey(key)}=${escapeKey(shape.tags[key]!)}`
  // Array.prototype.sort compares UTF-16 code units, as encodeLineProtocol's sortedKeys does.
  const order = shape.keys.map((_, i) => i).sort((a, b) => (shape.keys[a]! < shape.keys[b]! ? -1 : 1))
  return { head: `${head} `, order, keys: order.map((i, j) => `${j === 0 ? '' : ','}${escapeKey(shape.keys[i]!)}=`), checked: false }
}

const INT64 = decimalLimits(INT64_MIN, INT64_MAX)
const UINT64 = decimalLimits(0n, UINT64_MAX)
const TIMESTAMP = decimalLimits(TIMESTAMP_MIN, TIMESTAMP_MAX)

/**
 * The end of the decimal integer at `from` as INTEGER (signed) or UNSIGNED matches it
 * and BigInt prints it (no leading zero, not -0), inside `limits`; -1 when it is not one.
 */
function integerEnd(line: string, from: number, signed: boolean, limits: DecimalLimits): number {
  let start = from
  if (signed && line.charCodeAt(start) === 0x2d) start++
  let end = start
  for (let c = line.charCodeAt(end); c >= 0x30 && c <= 0x39; c = line.charCodeAt(++end));
  const digits = end - start
  if (digits === 0 || (digits > 1 && line.charCodeAt(start) === 0x30) || (start > from && digits === 1 && line.charCodeAt(start) === 0x30)) return -1
  const limit = start > from ? limits.min : limits.max
  if (digits < limit.length) return end
  if (digits > limit.length) return -1
  // As many digits as the limit: compared digit by digit (most differ at the first).
  for (let i = 0; i < digits; i++) {
    const c = line.charCodeAt(start + i)
    const l = limit.charCodeAt(i)
    if (c !== l) return c < l ? end : -1
  }
  return end
}

/** The line protocol text of the value at `at` (moving `at` past it), or undefined. */
function valueText(line: string, type: Shape['types'][number]): string | undefined {
  const c = line.charCodeAt(at)
  switch (type) {
    case 'float': {
      if (c !== 0x2d && (c < 0x30 || c > 0x39)) return undefined
      const end = numberEnd(line, at)
      const text = line.slice(at, end)
      // Short plain floats by their characters, most others (16-17 digits) with one parse: no printing.
      if (isPrintedFloat(line, at, end, text)) {
        at = end
        return text
      }
      const value = Number(text)
      const printed = String(value)
      // Equal: the text is a finite number as JS prints it (so valid JSON); else check it as JSON.
      if (printed !== text && (!JSON_NUMBER.test(text) || !Number.isFinite(value))) return undefined
      at = end
      return printed
    }
    case 'integer':
    case 'unsigned': {
      const integer = type === 'integer'
      if (!line.startsWith(integer ? '{"i":"' : '{"u":"', at)) return undefined
      const end = integerEnd(line, at + 6, integer, integer ? INT64 : UINT64)
      if (end < 0 || line.charCodeAt(end) !== 0x22 || line.charCodeAt(end + 1) !== 0x7d) return undefined
      const text = line.slice(at + 6, end)
      at = end + 2
      return integer ? `${text}i` : `${text}u`
    }
    case 'boolean':
      if (c === 0x74 && line.startsWith('true', at)) {
        at += 4
        return 'T'
      }
      if (c === 0x66 && line.startsWith('false', at)) {
        at += 5
        return 'F'
      }
      return undefined
    case 'string': {
      if (c !== 0x22) return undefined
      const end = closingQuote(line, at)
      if (end < 0) return undefined
      const text = line.slice(at, end + 1)
      // No backslash: nothing to unescape, and no `"` or `\` for line protocol to escape.
      if (STRING_NEEDS_CHECK.test(text)) return undefined
      at = end + 1
      return text
    }
  }
}

function spliced(line: string, timeEnd: number, shape: Shape, lp: LpShape, time: string): string | undefined {
  at = firstValueAt(line, timeEnd, shape)
  if (at < 0) return undefined
  const { types, after } = shape
  for (let i = 0; i < types.length; i++) {
    const text = valueText(line, types[i]!)
    if (text === undefined || !holds(line, at, after[i]!)) return undefined
    at += after[i]!.length
    values[i] = text
  }
  if (at !== line.length) return undefined
  let out = lp.head
  const { order, keys } = lp
  for (let j = 0; j < order.length; j++) out += keys[j]! + values[order[j]!]!
  return `${out} ${time}`
}

/**
 * The line protocol of a JSONL line of a known shape, or undefined (an unknown
 * shape, or anything unusual: decode the line instead). Throws nothing.
 */
export function transcodeByShape(line: string): TranscodedLine | undefined {
  if (!line.startsWith(TIME_START)) return undefined
  const timeEnd = line.indexOf('"', TIME_START.length)
  if (timeEnd < 0 || !line.startsWith(MEASUREMENT_AT, timeEnd)) return undefined
  const candidates = shapesOf(line, timeEnd)
  if (candidates === undefined) return undefined
  if (integerEnd(line, TIME_START.length, true, TIMESTAMP) !== timeEnd) return undefined
  const time = line.slice(TIME_START.length, timeEnd)
  for (const shape of candidates) {
    if (shape.lp === null) continue
    let lp = shape.lp as LpShape | undefined
    if (lp === undefined) shape.lp = lp = lpShape(shape)
    const lineProtocol = spliced(line, timeEnd, shape, lp, time)
    if (lineProtocol === undefined) continue
    if (!lp.checked) {
      // The first line of each shape is checked against the general path; a shape that disagrees is never used.
      let expected: string | undefined
      try {
        expected = encodeLineProtocol(decodeJsonl(line))
      } catch {
        expected = undefined
      }
      if (expected !== lineProtocol) {
        shape.lp = null
        return undefined
      }
      lp.checked = true
      addByteShape(line.slice(timeEnd, line.indexOf(FIELDS_AT, timeEnd)), shape, lp)
    }
    return { lineProtocol, measurement: shape.measurement, time }
  }
  return undefined
}

/**
 * One JSONL line as one line of line protocol (no newline): byte for byte
 * `encodeLineProtocol(decodeJsonl(line))`, without building the record for a
 * line of a shape read before. Throws `JsonlError` for a bad line, as `decodeJsonl`.
 */
export function jsonlLineToLineProtocol(line: string): string {
  return transcodeByShape(line)?.lineProtocol ?? encodeLineProtocol(decodeJsonl(line))
}
