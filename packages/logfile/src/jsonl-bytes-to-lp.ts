// JSONL -> line protocol on the bytes read, for lines of a shape the string
// transcoder (jsonl-to-lp.ts) has checked: no string per line, no line protocol
// string per point. A line is taken here only when the string transcoder would
// take it and give the same bytes (the same checks, made on bytes); anything
// else returns FALLBACK and goes the string way, which reports bad lines.
import { copyBytes, holdsBytes, textView } from './byte-view.js'
import { byteShapesOf, type ByteShape } from './jsonl-byte-shapes.js'
import { decimalLimits, type DecimalLimits } from './decimal-limits.js'
import { isPrintedFloat } from './printed-float.js'
import { INT64_MAX, INT64_MIN, TIMESTAMP_MAX, TIMESTAMP_MIN, UINT64_MAX } from './record.js'

/** Not taken here: read the line the string way. */
export const FALLBACK = -1
/** Taken, and left out by the filter. */
export const FILTERED = -2
/** The output buffer has no room for the line. */
export const NO_ROOM = -3
/** Kept by the filter, but not before `before`: not taken (the run ends before it). */
export const NOT_BEFORE = -4

/** What the reader's filters ask of a line; times as decimal text. */
export interface ByteFilter {
  measurements: ReadonlySet<string> | undefined
  since: string | undefined
  until: string | undefined
  /** A line kept by the filter at or after this time is NOT_BEFORE. */
  before: string | undefined
}

/** Lines to transcode: the same ASCII characters as bytes, as a view of them, and as a latin1 string. */
export interface ByteText {
  bytes: Uint8Array
  view: DataView
  text: string
}

const TIME_START = textView('{"time":"')
const INTEGER_OPEN = textView('{"i":"')
const UNSIGNED_OPEN = textView('{"u":"')
const FIELDS_AT = ',"fields":{'
const INT64 = decimalLimits(INT64_MIN, INT64_MAX)
const UINT64 = decimalLimits(0n, UINT64_MAX)
const TIMESTAMP = decimalLimits(TIMESTAMP_MIN, TIMESTAMP_MAX)

const QUOTE = 0x22
const COMMA = 0x2c
const CLOSE = 0x7d
const MINUS = 0x2d
const SPACE = 0x20
const NEWLINE = 0x0a
const BACKSLASH = 0x5c

/** Value i spans [starts[i], ends[i]) of the line; its type's suffix or boolean letter is in marks[i] (0: none). */
let starts = new Int32Array(16)
let ends = new Int32Array(16)
let marks = new Uint8Array(16)
let at = 0

/** As integerEnd() in jsonl-to-lp.ts, on bytes [from, e). */
function integerEnd(b: Uint8Array, from: number, e: number, signed: boolean, limits: DecimalLimits): number {
  let start = from
  if (signed && b[start] === MINUS) start++
  let end = start
  while (end < e && b[end]! >= 0x30 && b[end]! <= 0x39) end++
  const digits = end - start
  if (digits === 0 || (digits > 1 && b[start] === 0x30) || (start > from && digits === 1 && b[start] === 0x30)) return -1
  const limit = start > from ? limits.min : limits.max
  if (digits < limit.length) return end
  if (digits > limit.length) return -1
  for (let i = 0; i < digits; i++) {
    const c = b[start + i]!
    const l = limit.charCodeAt(i)
    if (c !== l) return c < l ? end : -1
  }
  return end
}

/** `part` is at `from` and ends by `e`. */
const holdsBefore = (src: ByteText, from: number, e: number, part: DataView): boolean => from + part.byteLength <= e && holdsBytes(src.view, from, part)

/** Reads value i of type `type` at `at` (moving `at` past it); false when the string way must read the line. */
function readValue(src: ByteText, e: number, type: ByteShape['types'][number], i: number): boolean {
  const b = src.bytes
  const c = b[at]!
  switch (type) {
    case 'float': {
      if (c !== MINUS && (c < 0x30 || c > 0x39)) return false
      let end = at + 1
      for (let d = b[end]; end < e && d !== COMMA && d !== CLOSE; d = b[++end]);
      // Only a float already written as JS prints it is copied (else the string way prints it again).
      if (!isPrintedFloat(src.text, at, end)) return false
      starts[i] = at
      ends[i] = at = end
      marks[i] = 0
      return true
    }
    case 'integer':
    case 'unsigned': {
      const integer = type === 'integer'
      if (!holdsBefore(src, at, e, integer ? INTEGER_OPEN : UNSIGNED_OPEN)) return false
      const end = integerEnd(b, at + 6, e, integer, integer ? INT64 : UINT64)
      if (end < 0 || end + 2 > e || b[end] !== QUOTE || b[end + 1] !== CLOSE) return false
      starts[i] = at + 6
      ends[i] = end
      marks[i] = integer ? 0x69 : 0x75
      at = end + 2
      return true
    }
    case 'boolean':
      if (c === 0x74 && at + 4 <= e && b[at + 1] === 0x72 && b[at + 2] === 0x75 && b[at + 3] === 0x65) {
        marks[i] = 0x54
        at += 4
        return true
      }
      if (c === 0x66 && at + 5 <= e && b[at + 1] === 0x61 && b[at + 2] === 0x6c && b[at + 3] === 0x73 && b[at + 4] === 0x65) {
        marks[i] = 0x46
        at += 5
        return true
      }
      return false
    case 'string': {
      if (c !== QUOTE) return false
      let end = at + 1
      // A backslash or a control character: the string way (which unescapes or reports it).
      for (let d = b[end]!; end < e && d !== QUOTE; d = b[++end]!) if (d === BACKSLASH || d < SPACE) return false
      if (end >= e) return false
      starts[i] = at
      ends[i] = at = end + 1
      marks[i] = 0
      return true
    }
  }
}

/** Reads the values of line [.., e) as `shape` lays them out after `fieldsAt`; false when it does not. */
function readsAs(src: ByteText, e: number, fieldsAt: number, shape: ByteShape): boolean {
  const { tail, types, after } = shape
  if (!holdsBefore(src, fieldsAt, e, tail)) return false
  if (types.length > starts.length) {
    starts = new Int32Array(types.length)
    ends = new Int32Array(types.length)
    marks = new Uint8Array(types.length)
  }
  at = fieldsAt + tail.byteLength
  for (let i = 0; i < types.length; i++) {
    if (!readValue(src, e, types[i]!, i) || !holdsBefore(src, at, e, after[i]!)) return false
    at += after[i]!.byteLength
  }
  return at === e
}

/**
 * The shape matched last. Stations log their measurements in a fixed cycle, so
 * the shape that followed it last time is tried first: its key, then
 * `,"fields":{` (no key holds it, and every key ends in `}`, so that is where
 * the search would find it), without searching or hashing the line.
 */
let last: ByteShape | undefined

/** The shape whose constant parts line [.., e) holds, with its values read; undefined when none. */
function matchShape(src: ByteText, e: number, timeEnd: number): ByteShape | undefined {
  const guess = last?.next
  // (The tail that readsAs() compares first starts with `,"fields":{`.)
  if (guess !== undefined && holdsBefore(src, timeEnd, e, guess.key) && readsAs(src, e, timeEnd + guess.key.byteLength, guess)) return (last = guess)
  // As jsonl-shapes.ts finds the end of a line's measurement and tags.
  const fieldsAt = src.text.indexOf(FIELDS_AT, timeEnd)
  if (fieldsAt < 0 || fieldsAt + FIELDS_AT.length > e) return undefined
  const candidates = byteShapesOf(src.view, timeEnd, fieldsAt)
  if (candidates === undefined) return undefined
  for (const shape of candidates) {
    if (shape.key.byteLength !== fieldsAt - timeEnd || !holdsBytes(src.view, timeEnd, shape.key) || !readsAs(src, e, fieldsAt, shape)) continue
    if (last !== undefined) last.next = shape
    return (last = shape)
  }
  return undefined
}

/** Decimal integers as the transcoder checked them (no leading zeros, no -0): sign, then length, then digits. */
function compareTime(b: Uint8Array, from: number, to: number, bound: string): number {
  const negative = b[from] === MINUS
  if (negative !== (bound.charCodeAt(0) === MINUS)) return negative ? -1 : 1
  const sign = negative ? -1 : 1
  if (to - from !== bound.length) return to - from < bound.length ? -sign : sign
  for (let i = 0; i < bound.length; i++) {
    const d = b[from + i]! - bound.charCodeAt(i)
    if (d !== 0) return d < 0 ? -sign : sign
  }
  return 0
}

/**
 * Writes the line [s, e) of `src` (no newline) as line protocol and a newline
 * to `out` at `o`; returns where the output ends, or FALLBACK, FILTERED,
 * NO_ROOM or NOT_BEFORE.
 */
export function transcodeJsonlBytes(src: ByteText, s: number, e: number, out: DataView, o: number, filter: ByteFilter | undefined): number {
  if (!holdsBefore(src, s, e, TIME_START)) return FALLBACK
  const timeStart = s + TIME_START.byteLength
  // The time: the digits up to the first quote, as integerEnd() takes them (the string path: the same test).
  const b = src.bytes
  const timeEnd = integerEnd(b, timeStart, e, true, TIMESTAMP)
  if (timeEnd < 0 || b[timeEnd] !== QUOTE) return FALLBACK
  // Every shape's key starts with `","measurement":"`: matching one checks that too.
  const shape = matchShape(src, e, timeEnd)
  if (shape === undefined) return FALLBACK
  if (filter !== undefined) {
    if (filter.measurements !== undefined && !filter.measurements.has(shape.measurement)) return FILTERED
    if (filter.since !== undefined && compareTime(b, timeStart, timeEnd, filter.since) < 0) return FILTERED
    if (filter.until !== undefined && compareTime(b, timeStart, timeEnd, filter.until) >= 0) return FILTERED
    if (filter.before !== undefined && compareTime(b, timeStart, timeEnd, filter.before) >= 0) return NOT_BEFORE
  }
  const { types, order, keys, head } = shape
  if (o + shape.fixedBytes + (e - s) + types.length + 2 > out.byteLength) return NO_ROOM
  const view = src.view
  o = copyBytes(out, o, head, 0, head.byteLength)
  for (let j = 0; j < order.length; j++) {
    const key = keys[j]!
    o = copyBytes(out, o, key, 0, key.byteLength)
    const i = order[j]!
    if (types[i] !== 'boolean') o = copyBytes(out, o, view, starts[i]!, ends[i]!)
    if (marks[i] !== 0) out.setUint8(o++, marks[i]!)
  }
  out.setUint8(o++, SPACE)
  o = copyBytes(out, o, view, timeStart, timeEnd)
  out.setUint8(o++, NEWLINE)
  return o
}
