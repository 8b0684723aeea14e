// Byte compares, copies and hashes several bytes at a time through DataView
// (whose reads TurboFan inlines; typed arrays cannot read unaligned words).
// For the short pieces of a line the byte transcoder handles, this costs less
// than a loop per byte, and far less than Buffer.compare/copy (a native call each).

/** A view of all of `bytes`. */
export const viewOf = (bytes: Uint8Array): DataView => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)

/** A view of the latin1 bytes of `text` (ASCII). */
export const textView = (text: string): DataView => viewOf(Buffer.from(text, 'latin1'))

/** `view` holds the bytes of `part` at `at` (the caller made sure they are inside `view`). */
export function holdsBytes(view: DataView, at: number, part: DataView): boolean {
  const n = part.byteLength
  let i = 0
  for (; i + 4 <= n; i += 4) if (view.getUint32(at + i) !== part.getUint32(i)) return false
  for (; i < n; i++) if (view.getUint8(at + i) !== part.getUint8(i)) return false
  return true
}

/**
 * Copies bytes [from, to) of `source` to `out` at `o`; returns where they end
 * in `out`. Eight bytes at a time as a double, then four, then one by one. For
 * ASCII bytes only (all the byte path handles): eight bytes below 0x80 never
 * read as a NaN, the one double whose bits a copy need not keep.
 */
export function copyBytes(out: DataView, o: number, source: DataView, from: number, to: number): number {
  let i = from
  for (; i + 8 <= to; i += 8, o += 8) out.setFloat64(o, source.getFloat64(i, true), true)
  if (i + 4 <= to) {
    out.setUint32(o, source.getUint32(i, true), true)
    i += 4
    o += 4
  }
  for (; i < to; i++) out.setUint8(o++, source.getUint8(i))
  return o
}

/** A 32-bit hash of bytes [from, to). */
export function hashBytes(view: DataView, from: number, to: number): number {
  let h = to - from
  let i = from
  for (; i + 4 <= to; i += 4) {
    h = Math.imul(h ^ view.getUint32(i), 0x9e3779b1)
    h ^= h >>> 15
  }
  for (; i < to; i++) h = Math.imul(h ^ view.getUint8(i), 0x01000193)
  return h
}
