// Matching a JSONL line, as bytes, against the shapes of jsonl-byte-shapes.ts:
// the constant parts compared, the values found and checked, nothing copied.
// Both readers on bytes use it: the transcoder to line protocol
// (jsonl-bytes-to-lp.ts) and the record decoder (jsonl-bytes-to-record.ts).
// A line is matched only when the string path would read it the same way; for
// anything else (a new shape, an escape, a value near a limit) the caller goes
// the string way, which also reports bad lines.
import { holdsBytes, textView } from './byte-view.js'
import { BACKSLASH, CLOSE, COMMA, QUOTE, SPACE } from './char-codes.js'
import { byteShapesOf, type ByteShape } from './jsonl-byte-shapes.js'
import { decimalLimits, type DecimalLimits } from './decimal-limits.js'
import { isPrintedFloat } from './printed-float.js'
import { LOWER_E, MINUS, NINE, PLUS, POINT, ZERO } from './number-chars.js'
import { INT64_MAX, INT64_MIN, TIMESTAMP_MAX, TIMESTAMP_MIN, UINT64_MAX } from './record.js'

/**
 * Lines to read: the same ASCII characters as bytes, as a view of them, and as
 * a latin1 string (which may be made only when read: AsciiBytes).
 */
export interface ByteText {
  readonly bytes: Uint8Array
  readonly view: DataView
  readonly text: string
}

/**
 * What the values are read for. `lineProtocol`: the transcoder copies their
 * text, so a float must be written exactly as JS prints its number, and a
 * string must hold no escape. `record`: the record decoder parses them, so any
 * JSON number will do, and a string may hold escapes (marked ESCAPED).
 */
export type ReadFor = 'lineProtocol' | 'record'

/** In marks[i]: a string value with at least one escape (only when read for a record). */
export const ESCAPED = 1

export const TIME_START = textView('{"time":"')
const INTEGER_OPEN = textView('{"i":"')
const UNSIGNED_OPEN = textView('{"u":"')
const FIELDS_AT = Buffer.from(',"fields":{', 'latin1')
export const INT64 = decimalLimits(INT64_MIN, INT64_MAX)
export const UINT64 = decimalLimits(0n, UINT64_MAX)
export const TIMESTAMP = decimalLimits(TIMESTAMP_MIN, TIMESTAMP_MAX)

/** In marks[i]: the suffix of an integer or unsigned value, the letter of a boolean, as line protocol writes them. */
export const INTEGER_MARK = 0x69
export const UNSIGNED_MARK = 0x75
export const TRUE_MARK = 0x54
export const FALSE_MARK = 0x46

/**
 * Where matchShape() found value i of the line: it spans [starts[i], ends[i])
 * (a string with its quotes); its type's suffix or boolean letter is in
 * marks[i] (0: none). Read them before matching the next line.
 */
export let starts = new Int32Array(16)
export let ends = new Int32Array(16)
export let marks = new Uint8Array(16)
let at = 0

/** As integerEnd() in jsonl-to-lp.ts, on bytes [from, e) (`view`: the same bytes). */
export function integerEnd(b: Uint8Array, view: DataView, from: number, e: number, signed: boolean, limits: DecimalLimits): number {
  let start = from
  if (signed && b[start] === MINUS) start++
  const end = digitsEnd(b, view, start, e)
  const digits = end - start
  if (digits === 0 || (digits > 1 && b[start] === ZERO) || (start > from && digits === 1 && b[start] === ZERO)) return -1
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

/**
 * Where the time of line [s, e) ends (its closing quote), after `{"time":"`: a
 * decimal integer in InfluxDB's range, as the string path takes it; -1 when not.
 */
export function timeEnd(src: ByteText, s: number, e: number): number {
  if (!holdsBefore(src, s, e, TIME_START)) return -1
  const end = integerEnd(src.bytes, src.view, s + TIME_START.byteLength, e, true, TIMESTAMP)
  return end < 0 || src.bytes[end] !== QUOTE ? -1 : end
}

/** `part` is at `from` and ends by `e`. */
const holdsBefore = (src: ByteText, from: number, e: number, part: DataView): boolean => from + part.byteLength <= e && holdsBytes(src.view, from, part)

/**
 * The four bytes of `word` (a 32-bit word read from ASCII text, in either byte
 * order) are all digits: adding 0x46 to a byte sets its top bit for ':' and
 * above, subtracting 0x30 below '0' (a borrow or carry only spreads from a byte
 * that is not a digit).
 */
export const fourDigits = (word: number): boolean => (((word + 0x46464646) | (word - 0x30303030)) & 0x80808080) === 0

/** Digits of `b` (`view`: the same bytes) from `i` on, four at a time while they last; where they end. */
function digitsEnd(b: Uint8Array, view: DataView, i: number, e: number): number {
  while (i + 4 <= e && fourDigits(view.getUint32(i, true))) i += 4
  while (i < e && b[i]! >= ZERO && b[i]! <= NINE) i++
  return i
}

/** The largest scale a float copied as written may have: a magnitude below 10^300 is finite (doubles reach 1.8e308). */
const AS_WRITTEN_SCALE = 300

/** Set by jsonNumberEnd(): the digits before the point plus the exponent, so that the number's magnitude is below 10 to that power. */
let scale = 0

/**
 * The end of the JSON number (as JSON_NUMBER in jsonl-shapes.ts matches one)
 * that starts at `from`, read no further than `e`, setting `scale`; -1 when
 * none starts there. It ends where the next byte cannot continue it.
 */
function jsonNumberEnd(b: Uint8Array, view: DataView, from: number, e: number): number {
  let i = b[from] === MINUS ? from + 1 : from
  const first = i
  i = digitsEnd(b, view, i, e)
  if (i === first || (b[first] === ZERO && i > first + 1)) return -1
  let digits = i - first
  if (i < e && b[i] === POINT) {
    const fraction = ++i
    i = digitsEnd(b, view, i, e)
    if (i === fraction) return -1
  }
  if (i < e && (b[i]! | 0x20) === LOWER_E) {
    i++
    const sign = i < e && b[i] === MINUS ? -1 : 1
    if (i < e && (b[i] === PLUS || b[i] === MINUS)) i++
    const exponentFrom = i
    let exponent = 0
    // (Capped: any exponent of ten digits or more is beyond the scales that matter.)
    for (; i < e && b[i]! >= ZERO && b[i]! <= NINE; i++) if (exponent < 1e9) exponent = exponent * 10 + b[i]! - ZERO
    if (i === exponentFrom) return -1
    digits += sign * exponent
  }
  scale = digits
  return i
}

/** Bytes [from, end) are one JSON number (as JSON_NUMBER in jsonl-shapes.ts matches it). */
export const isJsonNumber = (b: Uint8Array, view: DataView, from: number, end: number): boolean => jsonNumberEnd(b, view, from, end) === end

/**
 * For a float value at `from` of a line ending at `e`: where it ends when it
 * is a JSON number whose value is certainly finite, followed by the end of the
 * object or the line (`,`, `}` or `e`); -1 when it is not. Line protocol may
 * then carry it as it is written (reader option floatsAsWritten): `1.50`,
 * `1E5` or `-0.0` give a server the double that Number() gives, though JS
 * prints them `1.5`, `100000` and `0`.
 */
export function floatAsWrittenEnd(b: Uint8Array, view: DataView, from: number, e: number): number {
  const end = jsonNumberEnd(b, view, from, e)
  return end >= 0 && scale <= AS_WRITTEN_SCALE && (end === e || b[end] === COMMA || b[end] === CLOSE) ? end : -1
}

/**
 * Reads value i of type `type` at `at` (moving `at` past it); false when the
 * string way must read the line. With `floatsAsWritten` (for line protocol), a
 * float is also taken where floatAsWrittenEnd() finds its end, as the compiled
 * code (jsonl-byte-code.ts) takes it.
 */
function readValue(src: ByteText, e: number, type: ByteShape['types'][number], i: number, readFor: ReadFor, floatsAsWritten: boolean): boolean {
  const b = src.bytes
  const c = b[at]!
  switch (type) {
    case 'float': {
      if (c !== MINUS && (c < ZERO || c > NINE)) return false
      // For line protocol, only a float already written as JS prints it is copied (else the string way prints it again), or (floatsAsWritten) a finite JSON number.
      let end = floatsAsWritten && readFor === 'lineProtocol' ? floatAsWrittenEnd(b, src.view, at, e) : -1
      if (end < 0) {
        end = at + 1
        for (let d = b[end]; end < e && d !== COMMA && d !== CLOSE; d = b[++end]);
        if (readFor === 'lineProtocol' ? !isPrintedFloat(src.text, at, end) : !isJsonNumber(b, src.view, at, end)) return false
      }
      starts[i] = at
      ends[i] = at = end
      marks[i] = 0
      return true
    }
    case 'integer':
    case 'unsigned': {
      const integer = type === 'integer'
      if (!holdsBefore(src, at, e, integer ? INTEGER_OPEN : UNSIGNED_OPEN)) return false
      const end = integerEnd(b, src.view, at + 6, e, integer, integer ? INT64 : UINT64)
      if (end < 0 || end + 2 > e || b[end] !== QUOTE || b[end + 1] !== CLOSE) return false
      starts[i] = at + 6
      ends[i] = end
      marks[i] = integer ? INTEGER_MARK : UNSIGNED_MARK
      at = end + 2
      return true
    }
    case 'boolean':
      if (c === 0x74 && at + 4 <= e && b[at + 1] === 0x72 && b[at + 2] === 0x75 && b[at + 3] === 0x65) {
        marks[i] = TRUE_MARK
        at += 4
        return true
      }
      if (c === 0x66 && at + 5 <= e && b[at + 1] === 0x61 && b[at + 2] === 0x6c && b[at + 3] === 0x73 && b[at + 4] === 0x65) {
        marks[i] = FALSE_MARK
        at += 5
        return true
      }
      return false
    case 'string': {
      if (c !== QUOTE) return false
      let end = at + 1
      let mark = 0
      // A control character: the string way (which reports it); a backslash too, for line protocol (which escapes otherwise).
      for (let d = b[end]!; end < e && d !== QUOTE; d = b[++end]!) {
        if (d < SPACE) return false
        if (d === BACKSLASH) {
          if (readFor === 'lineProtocol') return false
          mark = ESCAPED
          end++ // the escaped character (JSON.parse checks the escape later)
        }
      }
      if (end >= e) return false
      starts[i] = at
      ends[i] = at = end + 1
      marks[i] = mark
      return true
    }
  }
}

/** Reads the values of line [.., e) as `shape` lays them out after `fieldsAt`; false when it does not. */
function readsAs(src: ByteText, e: number, fieldsAt: number, shape: ByteShape, readFor: ReadFor, floatsAsWritten: boolean): boolean {
  const { tail, types, after } = shape
  if (!holdsBefore(src, fieldsAt, e, tail)) return false
  if (types.length > starts.length) {
    starts = new Int32Array(types.length)
    ends = new Int32Array(types.length)
    marks = new Uint8Array(types.length)
  }
  at = fieldsAt + tail.byteLength
  for (let i = 0; i < types.length; i++) {
    if (!readValue(src, e, types[i]!, i, readFor, floatsAsWritten) || !holdsBefore(src, at, e, after[i]!)) return false
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

/** The shape matchShape() will try first for the next line: the one that followed the shape matched last, last time. */
export const guessedShape = (): ByteShape | undefined => last?.next

/** Records that the line just read was of `shape`, found by other means than matchShape() (a compiled transcoder for the guessed shape). */
export function matchedShape(shape: ByteShape): void {
  last = shape
}

/**
 * The shape whose constant parts line [.., e) holds after the time's closing
 * quote at `timeEnd`, with its values read (starts, ends, marks) for `readFor`
 * (and floats as readValue() takes them with `floatsAsWritten`); undefined when none.
 */
export function matchShape(src: ByteText, e: number, timeEnd: number, readFor: ReadFor, floatsAsWritten = false): ByteShape | undefined {
  const guess = last?.next
  // (The tail that readsAs() compares first starts with `,"fields":{`.)
  if (guess !== undefined && holdsBefore(src, timeEnd, e, guess.key) && readsAs(src, e, timeEnd + guess.key.byteLength, guess, readFor, floatsAsWritten)) return (last = guess)
  // As jsonl-shapes.ts finds the end of a line's measurement and tags.
  // (On the bytes, so that the text is not made: Buffer's indexOf, which takes any Uint8Array.)
  const fieldsAt = Buffer.prototype.indexOf.call(src.bytes, FIELDS_AT, timeEnd)
  if (fieldsAt < 0 || fieldsAt + FIELDS_AT.length > e) return undefined
  const candidates = byteShapesOf(src.view, timeEnd, fieldsAt)
  if (candidates === undefined) return undefined
  for (const shape of candidates) {
    if (shape.key.byteLength !== fieldsAt - timeEnd || !holdsBytes(src.view, timeEnd, shape.key) || !readsAs(src, e, fieldsAt, shape, readFor, floatsAsWritten)) continue
    if (last !== undefined) last.next = shape
    return (last = shape)
  }
  return undefined
}
