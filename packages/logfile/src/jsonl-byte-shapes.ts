// The JSONL shapes of jsonl-shapes.ts as bytes, for transcoding lines straight
// from the bytes read (jsonl-bytes-to-lp.ts). A shape is made into bytes only
// once the string transcoder (jsonl-to-lp.ts) has checked a line of it against
// the general decoder and encoder, and only when all its text is ASCII (the
// byte path reads ASCII chunks only).
import { hashBytes, holdsBytes, textView } from './byte-view.js'
import type { FieldType } from './record.js'
import type { Shape } from './jsonl-shapes.js'

export interface ByteShape {
  /** The line's text from the quote that closes the time up to `,"fields":{` (what shapes are looked up by). */
  key: DataView
  /** From `,"fields":{` to the first value. */
  tail: DataView
  types: FieldType[]
  /** After each value: up to the next value, or the closing `}}`. */
  after: DataView[]
  measurement: string
  /** Line protocol: measurement, tags and the space before the fields. */
  head: DataView
  /** Line-order index of the field at each sorted position. */
  order: number[]
  /** `key=` (after a comma but for the first) at each sorted position. */
  keys: DataView[]
  /** Line protocol bytes of this shape besides the values and the time. */
  fixedBytes: number
  /** The shape's layout as one text: the same layout is added once. */
  signature: string
  /** The shape of the line that followed a line of this one last time (jsonl-bytes-to-lp.ts tries it first). */
  next: ByteShape | undefined
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

/** Makes a checked shape (looked up by `key`) available to the byte path; not when any of its text is beyond ASCII. */
export function addByteShape(key: string, shape: Shape, lp: LpParts): void {
  // A key is the text up to the first `,"fields":{` and ends with the tags' `}`: the guess in jsonl-bytes-to-lp.ts relies on both.
  if (!key.endsWith('}') || key.includes(',"fields":{')) return
  const signature = [shape.tail, shape.types.join(), ...shape.after].join('\u0000')
  const parts = [key, shape.tail, ...shape.after, lp.head, ...lp.keys].map(ascii)
  if (parts.some((p) => p === undefined)) return
  const [keyView, tail, ...rest] = parts as DataView[]
  const after = rest.slice(0, shape.after.length)
  const [head, ...keys] = rest.slice(shape.after.length)
  const byteShape: ByteShape = {
    key: keyView!,
    tail: tail!,
    types: shape.types,
    after,
    measurement: shape.measurement,
    head: head!,
    order: lp.order,
    keys,
    fixedBytes: head!.byteLength + keys.reduce((n, k) => n + k.byteLength, 0),
    signature,
    next: undefined,
  }
  const hash = hashBytes(keyView!, 0, keyView!.byteLength)
  let list = byHash.get(hash)
  if (list === undefined) {
    if (count >= MAX_SHAPES) {
      byHash.clear()
      count = 0
    }
    list = []
    byHash.set(hash, list)
  }
  if (list.some((s) => s.signature === signature && s.key.byteLength === keyView!.byteLength && holdsBytes(s.key, 0, keyView!))) return
  list.unshift(byteShape)
  count++
}

/** The byte shapes whose key may be bytes [from, to) of `view`, most recent first (their keys still to be compared); undefined when none. */
export const byteShapesOf = (view: DataView, from: number, to: number): readonly ByteShape[] | undefined => byHash.get(hashBytes(view, from, to))
