// The JSONL shapes of jsonl-shapes.ts as bytes, for reading lines straight from
// the bytes read (jsonl-byte-match.ts): into records (jsonl-bytes-to-record.ts)
// once the decoder has remembered the shape from a line it read, and into line
// protocol (jsonl-bytes-to-lp.ts) once the string transcoder (jsonl-to-lp.ts)
// has also checked a line of it against the general decoder and encoder. Only
// shapes whose text is all ASCII are kept (the byte path reads ASCII chunks only).
import { hashBytes, holdsBytes, textView } from './byte-view.js'
import type { ByteText } from './jsonl-byte-match.js'
import type { FieldType } from './record.js'
import type { Shape } from './jsonl-shapes.js'
import type { RecordBuilder } from './jsonl-record-builder.js'
import type { PlausibleDigits } from './plausible-digits.js'

export interface ByteShape {
  /** The line's text from the quote that closes the time up to `,"fields":{` (what shapes are looked up by). */
  key: DataView
  /** From `,"fields":{` to the first value. */
  tail: DataView
  types: FieldType[]
  /** After each value: up to the next value, or the closing `}}`. */
  after: DataView[]
  measurement: string
  tags: Readonly<Record<string, string>>
  /** The field names in line order. */
  fields: readonly string[]
  /** Its line protocol parts, once the string transcoder has checked them; undefined before. */
  lp: ByteLp | undefined
  /** Records made of lines of this shape so far, up to the one that compiles its builder (jsonl-bytes-to-record.ts). */
  reads: number
  /** Its compiled record builder; undefined before, null when it could not be compiled. */
  builder: RecordBuilder | null | undefined
  /** Lines transcoded to line protocol the general way so far, up to the one that compiles lpCode (jsonl-bytes-to-lp.ts). */
  lpReads: number
  /** Its compiled transcoder to line protocol; undefined before, null when it could not be compiled. */
  lpCode: ShapeTranscoder | null | undefined
  /** Its compiled matcher for records (jsonl-bytes-to-record.ts, compiled with its builder); undefined before, null when it could not be compiled. */
  recordCode: ShapeMatcher | null | undefined
  /** The shape's layout as one text: the same layout is added once. */
  signature: string
  /** The shape of the line that followed a line of this one last time (jsonl-byte-match.ts tries it first). */
  next: ByteShape | undefined
}

/**
 * A transcoder compiled for one shape (jsonl-bytes-to-lp-code.ts): checks line
 * [s, e) of `b` (also as `view`, and `src.text` only when a float must be
 * checked as text, so the text is not made for nothing) against the shape; when
 * it matches, writes its line protocol and a newline to `out` at `o` (the
 * caller made sure there is room) and returns where it ends; -1 when it does
 * not match, or when its time is outside `plausible` (when given);
 * `floatsAsWritten` as for matchShape().
 */
export type ShapeTranscoder = (b: Uint8Array, view: DataView, src: ByteText, s: number, e: number, out: DataView, o: number, floatsAsWritten: boolean, plausible: PlausibleDigits | undefined) => number

/**
 * A matcher for one shape (jsonl-bytes-to-record-code.ts): when line [s, e) of
 * `b` (also as `view` and the latin1 `text`) is of the shape, leaves value i in
 * [starts[i], ends[i]) with its mark in marks[i], as matchShape() does, and
 * returns where its time ends; -1 when it is not of the shape.
 */
export type ShapeMatcher = (b: Uint8Array, view: DataView, text: string, s: number, e: number, starts: Int32Array, ends: Int32Array, marks: Uint8Array) => number

/** The line protocol parts of a shape as bytes. */
export interface ByteLp {
  /** Line protocol: measurement, tags and the space before the fields. */
  head: DataView
  /** Line-order index of the field at each sorted position. */
  order: number[]
  /** `key=` (after a comma but for the first) at each sorted position. */
  keys: DataView[]
  /** Line protocol bytes of this shape besides the values and the time. */
  fixedBytes: number
}

/** The line protocol parts of a shape (jsonl-to-lp.ts). */
export interface LpParts {
  head: string
  order: number[]
  keys: string[]
}

const MAX_SHAPES = 4096
/** By the hash of their key. */
const byHash = new Map<number, ByteShape[]>()
let count = 0

const ASCII = /^[\x00-\x7f]*$/
const ascii = (text: string): DataView | undefined => (ASCII.test(text) ? textView(text) : undefined)

/** The line protocol parts as bytes; undefined when any is beyond ASCII. */
function byteLp(lp: LpParts): ByteLp | undefined {
  const parts = [lp.head, ...lp.keys].map(ascii)
  if (parts.some((p) => p === undefined)) return undefined
  const [head, ...keys] = parts as DataView[]
  return { head: head!, order: lp.order, keys, fixedBytes: parts.reduce((n, p) => n + p!.byteLength, 0) }
}

/**
 * Makes a shape (looked up by `key`) that the decoder remembered available to
 * the byte path, and with `lp`, once the string transcoder has checked those
 * parts, to the transcoder on bytes too; not when any of its text is beyond ASCII.
 */
export function addByteShape(key: string, shape: Shape, lp?: LpParts): void {
  // A key is the text up to the first `,"fields":{` and ends with the tags' `}`: the guess in jsonl-byte-match.ts relies on both.
  if (!key.endsWith('}') || key.includes(',"fields":{')) return
  const signature = [shape.tail, shape.types.join(), ...shape.after].join('\u0000')
  const parts = [key, shape.tail, ...shape.after].map(ascii)
  if (parts.some((p) => p === undefined)) return
  const [keyView, tail, ...after] = parts as DataView[]
  const hash = hashBytes(keyView!, 0, keyView!.byteLength)
  const known = byHash.get(hash)?.find((s) => s.signature === signature && s.key.byteLength === keyView!.byteLength && holdsBytes(s.key, 0, keyView!))
  if (known !== undefined) {
    if (lp !== undefined) known.lp ??= byteLp(lp)
    return
  }
  const byteShape: ByteShape = {
    key: keyView!,
    tail: tail!,
    types: shape.types,
    after,
    measurement: shape.measurement,
    tags: shape.tags,
    fields: shape.keys,
    lp: lp === undefined ? undefined : byteLp(lp),
    reads: 0,
    builder: undefined,
    lpReads: 0,
    lpCode: undefined,
    recordCode: undefined,
    signature,
    next: undefined,
  }
  let list = byHash.get(hash)
  if (list === undefined) {
    if (count >= MAX_SHAPES) {
      byHash.clear()
      count = 0
    }
    list = []
    byHash.set(hash, list)
  }
  list.unshift(byteShape)
  count++
}

/** The byte shapes whose key may be bytes [from, to) of `view`, most recent first (their keys still to be compared); undefined when none. */
export const byteShapesOf = (view: DataView, from: number, to: number): readonly ByteShape[] | undefined => byHash.get(hashBytes(view, from, to))
