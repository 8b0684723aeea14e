// The matching half of the code compiled for JSONL shapes, for line protocol
// (jsonl-bytes-to-lp-code.ts) and for records (jsonl-bytes-to-record-code.ts):
// statements that check a line against a shape exactly as matchShape()
// (jsonl-byte-match.ts) does, with code of its own for each value's type.
//
// The code depends only on the shape's layout (its value types, the lengths of
// its constant parts, and for line protocol the order of its fields), never on
// its names: the parts' bytes are arrays handed to the function when it is made
// for the shape, and read by constant indices. So the shapes of one layout
// share one function's code, and TurboFan compiles it once (20 to 70 ms on a
// small VM) instead of once per shape: a file whose measurement or tag values
// keep changing has thousands of shapes but few layouts.
//
// The compiled function's parameters are b (the bytes read), view (a DataView
// of them), their latin1 text (for records `text`; for line protocol `src`, the
// ByteText itself, whose text is read only where a float must be checked as
// text, so that it is not made for nothing: AsciiBytes), s and e (the line,
// without its newline), and for line protocol floatsAsWritten; part
// X is XD, XW and XR (see Part): KEY (the shape's key and the tail before its
// first value), A<i> (what follows value i); the helpers are those of
// MATCH_HELPERS.
//
// The statements leave `timeStart` and `timeEnd` around the time's digits,
// value i in [v<i>, w<i>) (a string with its quotes), and its mark in m<i> (a
// suffix or boolean letter as matchShape() marks them, a string's ESCAPED); on
// any mismatch they return `miss`.
//
// Bytes are read and written little-endian, as x86 and ARM hold them (no byte
// swaps), and eight at a time as doubles where they can be: compared with `!==`
// or copied, eight ASCII bytes are a double that is neither a NaN nor a zero
// (see Part), so the doubles are equal exactly when the bytes are. Only ASCII
// lines come here (the reader hands any other chunk to the string way).
import { textView } from './byte-view.js'
import { BACKSLASH, CLOSE, COMMA, QUOTE, SPACE } from './char-codes.js'
import {
  ESCAPED,
  FALSE_MARK,
  INTEGER_MARK,
  integerEnd,
  INT64,
  floatAsWrittenEnd,
  fourDigits,
  isJsonNumber,
  TIME_START,
  TIMESTAMP,
  TRUE_MARK,
  UINT64,
  UNSIGNED_MARK,
  type ReadFor,
} from './jsonl-byte-match.js'
import { LOWER_E, MINUS, NINE, ZERO } from './number-chars.js'
import type { ByteShape } from './jsonl-byte-shapes.js'
import type { FieldType } from './record.js'
import { isPrintedFloat } from './printed-float.js'

/**
 * A constant part of a shape as the compiled code reads it: its bytes as
 * little-endian doubles (D: eight bytes each), then one little-endian word (W:
 * four bytes, where four or more are left), then the bytes left (R). The code
 * is made for its length and reads them by index, as constants.
 *
 * Eight ASCII bytes never make a NaN (its exponent bits need a byte of 0xF0 or
 * more) nor a zero (0 or -0: eight NUL bytes, or seven and 0x80), and a shape's
 * part holds no NUL (JSON text outside strings has none, and inside one it is
 * escaped). So `!==` on the doubles tells apart any two different byte strings
 * whose part is ASCII; a line's bytes that made a NaN would only be a mismatch.
 */
export interface Part {
  readonly doubles: Float64Array
  readonly word: Uint32Array
  readonly rest: Uint8Array
  readonly length: number
}

/** The bytes of `view` as a Part. */
export function partOf(view: DataView): Part {
  const length = view.byteLength
  const doubles = new Float64Array(length >> 3)
  for (let k = 0; k < doubles.length; k++) doubles[k] = view.getFloat64(8 * k, true)
  let at = 8 * doubles.length
  const word = new Uint32Array(length - at >= 4 ? 1 : 0)
  if (word.length === 1) {
    word[0] = view.getUint32(at, true)
    at += 4
  }
  const rest = new Uint8Array(length - at)
  for (let k = 0; k < rest.length; k++) rest[k] = view.getUint8(at + k)
  return { doubles, word, rest, length }
}

/** The pieces of a part of `length` bytes: [offset, kind, index in its array] for each double, the word and each byte left. */
function piecesOf(length: number): [number, 'D' | 'W' | 'R', number][] {
  const pieces: [number, 'D' | 'W' | 'R', number][] = []
  let i = 0
  for (; i + 8 <= length; i += 8) pieces.push([i, 'D', i >> 3])
  if (i + 4 <= length) {
    pieces.push([i, 'W', 0])
    i += 4
  }
  for (let k = 0; i < length; i++, k++) pieces.push([i, 'R', k])
  return pieces
}

/** The line's bytes at `p + at` as a piece of `kind` reads them. */
const READ = { D: (at: number) => `view.getFloat64(p + ${at}, true)`, W: (at: number) => `view.getUint32(p + ${at}, true)`, R: (at: number) => `b[p + ${at}]` }
const WRITE = { D: 'out.setFloat64', W: 'out.setUint32', R: 'out.setUint8' } as const

/** A condition true when the line does not hold, at `p`, the `length` bytes whose pieces `valueOf` gives. */
function differsAt(length: number, valueOf: (kind: 'D' | 'W' | 'R', k: number) => string): string {
  const tests = piecesOf(length).map(([at, kind, k]) => `${READ[kind](at)} !== ${valueOf(kind, k)}`)
  return [`p + ${length} > e`, ...tests].join(' || ')
}

/** A condition true when the line does not hold part `name` (of `length` bytes) at `p`. */
const differsFromPart = (name: string, length: number): string => differsAt(length, (kind, k) => `${name}${kind}[${k}]`)

/** A condition true when the line does not hold `text` (ASCII, the same for every shape) at `p`: its pieces as literals. */
function differs(text: string): string {
  const { doubles, word, rest } = partOf(textView(text))
  const pieces = { D: doubles, W: word, R: rest }
  return differsAt(text.length, (kind, k) => String(pieces[kind][k]))
}

/** Statements that write part `name` (of `length` bytes) to `out` at `o` and move `o` past it. */
export function writesPart(name: string, length: number): string[] {
  const code = piecesOf(length).map(([at, kind, k]) => `${WRITE[kind]}(o + ${at}, ${name}${kind}[${k}]${kind === 'R' ? '' : ', true'})`)
  if (length > 0) code.push(`o += ${length}`)
  return code
}

/** The helpers the matching statements call, by the names they call them. */
export const MATCH_HELPERS = { PRINTED: isPrintedFloat, AS_WRITTEN_END: floatAsWrittenEnd, JSON_NUMBER: isJsonNumber, DIGITS4: fourDigits, INTEGER_END: integerEnd, INT64, UINT64, TIMESTAMP }

/** The little-endian 32-bit word of the four ASCII characters `text`, as getUint32(p, true) reads them. */
const word = (text: string): number => textView(text).getUint32(0, true)

/**
 * Statements that find the time as timeEnd() in jsonl-byte-match.ts does: most
 * times (positive, 19 digits up to 8999...) by their first digit and length,
 * the others by integerEnd().
 */
function readsTime(miss: string): string[] {
  const longest = TIMESTAMP.max.length
  const first = TIMESTAMP.max.charCodeAt(0)
  // The usual time, 19 digits from 1 to 8 followed by its quote, is checked four digits at a time.
  const words = [0, 4, 8, 12, longest - 4].map((at) => `DIGITS4(view.getUint32(p + ${at}, true))`).join(' && ')
  return [
    `if (${differs('{"time":"')}) return ${miss}`,
    `p += ${TIME_START.byteLength}`,
    'const timeStart = p',
    `if (p + ${longest + 1} <= e && b[p + ${longest}] === ${QUOTE} && b[p] > ${ZERO} && b[p] < ${first} && ${words}) p += ${longest}`,
    'else {',
    `if (b[p] === ${MINUS}) p++`,
    `for (; p < e; p++) { c = b[p]; if (c < ${ZERO} || c > ${NINE}) break }`,
    `if (!(b[timeStart] > ${ZERO} && b[timeStart] <= ${NINE} && (p - timeStart < ${longest} || (p - timeStart === ${longest} && b[timeStart] < ${first}))) && INTEGER_END(b, view, timeStart, e, true, TIMESTAMP) !== p) return ${miss}`,
    '}',
    `if (p >= e || b[p] !== ${QUOTE}) return ${miss}`,
    'const timeEnd = p',
  ]
}

/** Statements that read value i of `type` at `p` as readValue() in jsonl-byte-match.ts does for `readFor`. */
function readsValue(type: FieldType, i: number, readFor: ReadFor, miss: string): string[] {
  switch (type) {
    case 'float':
      return [
        'c = b[p]',
        `if (c !== ${MINUS} && (c < ${ZERO} || c > ${NINE})) return ${miss}`,
        `const v${i} = p`,
        // For line protocol the text is copied, so it must be written as JS prints the number, or (floatsAsWritten) be a finite JSON number:
        // found in one pass where it is one (AS_WRITTEN_END), else the value ends at the next , or }.
        ...(readFor === 'lineProtocol'
          ? [
              `const x${i} = floatsAsWritten ? AS_WRITTEN_END(b, view, p, e) : -1`,
              `if (x${i} >= 0) p = x${i}`,
              `else { for (p++; p < e; p++) { c = b[p]; if (c === ${COMMA} || c === ${CLOSE}) break }`,
              `if (!PRINTED(src.text, v${i}, p)) return ${miss} }`,
            ]
          : [`for (p++; p < e; p++) { c = b[p]; if (c === ${COMMA} || c === ${CLOSE}) break }`, `if (!JSON_NUMBER(b, view, v${i}, p)) return ${miss}`]),
        `const w${i} = p`,
        `const m${i} = 0`,
      ]
    case 'integer':
    case 'unsigned': {
      const integer = type === 'integer'
      return [
        `if (${differs(integer ? '{"i":"' : '{"u":"')}) return ${miss}`,
        `const v${i} = p + 6`,
        `const w${i} = INTEGER_END(b, view, v${i}, e, ${integer}, ${integer ? 'INT64' : 'UINT64'})`,
        `if (w${i} < 0 || w${i} + 2 > e || b[w${i}] !== ${QUOTE} || b[w${i} + 1] !== ${CLOSE}) return ${miss}`,
        `p = w${i} + 2`,
        `const m${i} = ${integer ? INTEGER_MARK : UNSIGNED_MARK}`,
      ]
    }
    case 'boolean':
      return [
        `const v${i} = p`,
        `let m${i} = 0`,
        `if (p + 4 <= e && view.getUint32(p, true) === ${word('true')}) { m${i} = ${TRUE_MARK}; p += 4 }`,
        `else if (p + 5 <= e && view.getUint32(p, true) === ${word('fals')} && b[p + 4] === ${LOWER_E}) { m${i} = ${FALSE_MARK}; p += 5 }`,
        `else return ${miss}`,
        `const w${i} = p`,
      ]
    case 'string':
      return [
        `if (b[p] !== ${QUOTE}) return ${miss}`,
        `const v${i} = p`,
        `let m${i} = 0`,
        // A control character: the string way (which reports it); a backslash too, for line protocol (which escapes otherwise).
        readFor === 'lineProtocol'
          ? `for (p++; p < e; p++) { c = b[p]; if (c === ${QUOTE}) break; if (c < ${SPACE} || c === ${BACKSLASH}) return ${miss} }`
          : `for (p++; p < e; p++) { c = b[p]; if (c === ${QUOTE}) break; if (c < ${SPACE}) return ${miss}; if (c === ${BACKSLASH}) { m${i} = ${ESCAPED}; p++ } }`,
        `if (p >= e) return ${miss}`,
        `const w${i} = ++p`,
      ]
  }
}

/** The parts of `shape` that matchCode() compares, by name: KEY (its key and the tail before its first value), A<i> (what follows value i). */
export const matchParts = (shape: ByteShape): [string, Part][] => [['KEY', partOf(joined(shape.key, shape.tail))], ...shape.after.map((after, i): [string, Part] => [`A${i}`, partOf(after)])]

/** Two views' bytes in one view. */
function joined(a: DataView, b: DataView): DataView {
  const bytes = new Uint8Array(a.byteLength + b.byteLength)
  bytes.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength))
  bytes.set(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), a.byteLength)
  return new DataView(bytes.buffer)
}

/**
 * Statements that match line [s, e) against a shape whose value types are
 * `types` and whose parts (matchParts()) have the lengths of `parts`, for
 * `readFor`, returning `miss` where it does not match.
 */
export function matchCode(types: readonly FieldType[], parts: readonly [string, Part][], readFor: ReadFor, miss: string): string[] {
  const [[, key], ...after] = parts
  return [
    'let p = s',
    'let c = 0',
    ...readsTime(miss),
    `if (${differsFromPart('KEY', key!.length)}) return ${miss}`,
    `p += ${key!.length}`,
    ...types.flatMap((type, i) => [...readsValue(type, i, readFor, miss), `if (${differsFromPart(`A${i}`, after[i]![1].length)}) return ${miss}`, `p += ${after[i]![1].length}`]),
    `if (p !== e) return ${miss}`,
  ]
}

const MAX_LAYOUTS = 256
/** The made functions' makers, by their source: one per layout. */
const makers = new Map<string, (...parts: unknown[]) => unknown>()

/**
 * The function `name(params)` of `body` made for one shape: `body` sees the
 * helpers (by their names), and the doubles, word and bytes of each named part
 * as <name>D, <name>W and <name>R. Shapes of one layout give the same source, so they
 * share one maker, and their functions (made at one place in it) share their
 * compiled code. Undefined when code generation is off (node
 * --disallow-code-generation-from-strings).
 */
export function makeForShape<T>(name: string, params: string, body: readonly string[], helpers: Readonly<Record<string, unknown>>, parts: readonly [string, Part][]): T | undefined {
  const partNames = parts.flatMap(([part]) => [`${part}D`, `${part}W`, `${part}R`])
  const source = [`const { ${Object.keys(helpers).join(', ')} } = helpers`, `return function make(${partNames.join(', ')}) {`, `return function ${name}(${params}) {`, ...body, '}', '}'].join('\n')
  let make = makers.get(source)
  if (make === undefined) {
    try {
      make = new Function('helpers', source)(helpers) as (...parts: unknown[]) => unknown
    } catch {
      return undefined
    }
    if (makers.size >= MAX_LAYOUTS) makers.clear()
    makers.set(source, make)
  }
  return make(...parts.flatMap(([, part]) => [part.doubles, part.word, part.rest])) as T
}
