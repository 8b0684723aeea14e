// A byte transcoder compiled for one JSONL shape: the shape's constant parts
// compared as number constants in the code, its values found by code for their
// own types, and the line protocol's constant parts written as constants. It
// takes exactly the lines matchShape() (jsonl-byte-match.ts) matches for
// `lineProtocol` and writes the same bytes as transcodeJsonlBytes() does for
// them; for any other line it returns -1 and the general way decides.
import { copyBytes } from './byte-view.js'
import { integerEnd, INT64, TIME_START, TIMESTAMP, UINT64 } from './jsonl-byte-match.js'
import type { ByteShape, ShapeTranscoder } from './jsonl-byte-shapes.js'
import { isPrintedFloat } from './printed-float.js'

const QUOTE = 0x22
const COMMA = 0x2c
const CLOSE = 0x7d
const MINUS = 0x2d
const ZERO = 0x30
const NINE = 0x39
const SPACE = 0x20
const BACKSLASH = 0x5c
const NEWLINE = 0x0a

/** The bytes of `parts`, one after the other. */
function bytesOf(...parts: DataView[]): number[] {
  const bytes: number[] = []
  for (const part of parts) for (let i = 0; i < part.byteLength; i++) bytes.push(part.getUint8(i))
  return bytes
}

/** A big-endian 32-bit word of `bytes` at `i`, as getUint32 reads it. */
const word = (bytes: number[], i: number): number => ((bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!) >>> 0

/** A condition true when the line does not hold `bytes` at `p` (which must end by `e`). */
function differs(bytes: number[]): string {
  if (bytes.length === 0) return 'false'
  const tests = [`p + ${bytes.length} > e`]
  let i = 0
  for (; i + 4 <= bytes.length; i += 4) tests.push(`view.getUint32(p + ${i}) !== ${word(bytes, i)}`)
  for (; i < bytes.length; i++) tests.push(`b[p + ${i}] !== ${bytes[i]}`)
  return tests.join(' || ')
}

/** Statements that write `bytes` to `out` at `o` and move `o` past them. */
function writes(bytes: number[]): string[] {
  const code: string[] = []
  let i = 0
  for (; i + 4 <= bytes.length; i += 4) code.push(`out.setUint32(o + ${i}, ${word(bytes, i)})`)
  for (; i < bytes.length; i++) code.push(`out.setUint8(o + ${i}, ${bytes[i]})`)
  if (bytes.length > 0) code.push(`o += ${bytes.length}`)
  return code
}

/**
 * Statements that find the time as timeEnd() in jsonl-byte-match.ts does, and
 * leave `p` at its closing quote: most times (positive, 19 digits up to 8999...)
 * by their first digit and length, the others by integerEnd().
 */
function readsTime(): string[] {
  const longest = TIMESTAMP.max.length
  const first = TIMESTAMP.max.charCodeAt(0)
  return [
    `let p = s`,
    'let c = 0',
    `if (${differs(bytesOf(TIME_START))}) return -1`,
    `p += ${TIME_START.byteLength}`,
    'const t = p',
    `if (b[p] === ${MINUS}) p++`,
    `for (; p < e; p++) { c = b[p]; if (c < ${ZERO} || c > ${NINE}) break }`,
    `if (!(b[t] > ${ZERO} && b[t] <= ${NINE} && (p - t < ${longest} || (p - t === ${longest} && b[t] < ${first}))) && INTEGER_END(b, t, e, true, TIMESTAMP) !== p) return -1`,
    `if (p >= e || b[p] !== ${QUOTE}) return -1`,
  ]
}

/** Statements that read value i of `type` at `p` as readValue() does for `lineProtocol`: v<i> to w<i>, m<i> a boolean's letter. */
function readsValue(type: ByteShape['types'][number], i: number): string[] {
  switch (type) {
    case 'float':
      return [
        'c = b[p]',
        `if (c !== ${MINUS} && (c < ${ZERO} || c > ${NINE})) return -1`,
        `const v${i} = p`,
        `for (p++; p < e; p++) { c = b[p]; if (c === ${COMMA} || c === ${CLOSE}) break }`,
        `if (!PRINTED(text, v${i}, p)) return -1`,
        `const w${i} = p`,
      ]
    case 'integer':
    case 'unsigned': {
      const open = type === 'integer' ? '{"i":"' : '{"u":"'
      const bytes = [...open].map((ch) => ch.charCodeAt(0))
      return [
        `if (${differs(bytes)}) return -1`,
        `const v${i} = p + 6`,
        `const w${i} = INTEGER_END(b, v${i}, e, ${type === 'integer'}, ${type === 'integer' ? 'INT64' : 'UINT64'})`,
        `if (w${i} < 0 || w${i} + 2 > e || b[w${i}] !== ${QUOTE} || b[w${i} + 1] !== ${CLOSE}) return -1`,
        `p = w${i} + 2`,
      ]
    }
    case 'boolean':
      return [
        `let m${i} = 0`,
        `if (p + 4 <= e && view.getUint32(p) === ${word([...'true'].map((ch) => ch.charCodeAt(0)), 0)}) { m${i} = 84; p += 4 }`,
        `else if (p + 5 <= e && view.getUint32(p) === ${word([...'fals'].map((ch) => ch.charCodeAt(0)), 0)} && b[p + 4] === 101) { m${i} = 70; p += 5 }`,
        'else return -1',
      ]
    case 'string':
      return [
        `if (b[p] !== ${QUOTE}) return -1`,
        `const v${i} = p`,
        `for (p++; p < e; p++) { c = b[p]; if (c === ${QUOTE}) break; if (c < ${SPACE} || c === ${BACKSLASH}) return -1 }`,
        'if (p >= e) return -1',
        `const w${i} = ++p`,
      ]
  }
}

/** Statements that write value i of `type` (read by readsValue) with its suffix or letter. */
function writesValue(type: ByteShape['types'][number], i: number): string[] {
  switch (type) {
    case 'boolean':
      return [`out.setUint8(o++, m${i})`]
    case 'integer':
      return [`o = COPY(out, o, view, v${i}, w${i})`, `out.setUint8(o++, ${'i'.charCodeAt(0)})`]
    case 'unsigned':
      return [`o = COPY(out, o, view, v${i}, w${i})`, `out.setUint8(o++, ${'u'.charCodeAt(0)})`]
    default:
      return [`o = COPY(out, o, view, v${i}, w${i})`]
  }
}

/**
 * The transcoder compiled for `shape` (which has its line protocol parts);
 * undefined when code generation is off (node --disallow-code-generation-from-strings).
 */
export function compileShapeTranscoder(shape: ByteShape): ShapeTranscoder | undefined {
  const lp = shape.lp
  if (lp === undefined) return undefined
  const { types, after } = shape
  // Only numbers from the shape's bytes and indices go into the source.
  const source = [
    'return function transcodeShape(b, view, text, s, e, out, o) {',
    ...readsTime(),
    'const timeEnd = p',
    `if (${differs(bytesOf(shape.key, shape.tail))}) return -1`,
    `p += ${shape.key.byteLength + shape.tail.byteLength}`,
    ...types.flatMap((type, i) => [...readsValue(type, i), `if (${differs(bytesOf(after[i]!))}) return -1`, `p += ${after[i]!.byteLength}`]),
    'if (p !== e) return -1',
    ...writes(bytesOf(lp.head)),
    ...lp.order.flatMap((i, j) => [...writes(bytesOf(lp.keys[j]!)), ...writesValue(types[i]!, i)]),
    `out.setUint8(o++, ${SPACE})`,
    `o = COPY(out, o, view, s + ${TIME_START.byteLength}, timeEnd)`,
    `out.setUint8(o++, ${NEWLINE})`,
    'return o',
    '}',
  ].join('\n')
  try {
    const factory = new Function('PRINTED', 'INTEGER_END', 'INT64', 'UINT64', 'TIMESTAMP', 'COPY', source)
    return factory(isPrintedFloat, integerEnd, INT64, UINT64, TIMESTAMP, copyBytes) as ShapeTranscoder
  } catch {
    return undefined
  }
}
