// JSONL -> line protocol on the bytes read, for lines of a shape the string
// transcoder (jsonl-to-lp.ts) has checked: no string per line, no line protocol
// string per point. A line is taken here only when the string transcoder would
// take it and give the same bytes (the same checks, made on bytes by
// jsonl-byte-match.ts); anything else returns FALLBACK and goes the string way,
// which reports bad lines.
import { copyBytes } from './byte-view.js'
import { NEWLINE, QUOTE, SPACE } from './char-codes.js'
import { ends, guessedShape, marks, matchedShape, matchShape, starts, timeEnd as timeEndOf, TIME_START, type ByteText } from './jsonl-byte-match.js'
import type { ByteLp } from './jsonl-byte-shapes.js'
import { compileShapeTranscoder } from './jsonl-bytes-to-lp-code.js'
import { compareTime, outsideDigits, type PlausibleDigits } from './plausible-digits.js'

/** Not taken here: read the line the string way. */
export const FALLBACK = -1
/** Taken, and left out by the filter. */
export const FILTERED = -2
/** The output buffer has no room for the line. */
export const NO_ROOM = -3
/** Kept by the filter, but not before `before`: not taken (the run ends before it). */
export const NOT_BEFORE = -4

/** What the reader's filters ask of a line; times as decimal text. Made by byteFilter(). */
export interface ByteFilter {
  measurements: ReadonlySet<string> | undefined
  since: string | undefined
  until: string | undefined
  /** A line kept by the filter at or after this time is NOT_BEFORE. */
  before: string | undefined
  /**
   * The reader's `plausible` times: a line outside them is FALLBACK, for the
   * string path to report as a bad line.
   */
  plausible: PlausibleDigits | undefined
  /** Only `plausible` is set: a compiled transcoder, which checks it, decides alone. */
  plausibleOnly: boolean
}

/** The filters of a reader, times as decimal text. */
export interface ByteFilterOptions {
  measurements?: ReadonlySet<string> | undefined
  since?: string | undefined
  until?: string | undefined
  before?: string | undefined
  plausible?: PlausibleDigits | undefined
}

/** The filter of these options; undefined when there is nothing to filter. */
export function byteFilter(options: ByteFilterOptions): ByteFilter | undefined {
  const { measurements, since, until, before, plausible } = options
  const selects = measurements !== undefined || since !== undefined || until !== undefined || before !== undefined
  if (!selects && plausible === undefined) return undefined
  return { measurements, since, until, before, plausible, plausibleOnly: !selects }
}

/** Lines of a shape transcoded the general way before its own transcoder is compiled. */
const COMPILE_AT = 8

/** How `filter` takes a line of `measurement` whose time is bytes [from, to) of `b`: 0 (kept), FALLBACK (not plausible), FILTERED or NOT_BEFORE. */
function filtered(filter: ByteFilter, measurement: string, b: Uint8Array, from: number, to: number): number {
  // An implausible time is a bad line whatever the filters say, as a line that does not parse is.
  if (filter.plausible !== undefined && outsideDigits(b, from, to, filter.plausible)) return FALLBACK
  return selected(filter, measurement, b, from, to)
}

/** How the filter's measurements, since, until and before take a line: 0 (kept), FILTERED or NOT_BEFORE. */
function selected(filter: ByteFilter, measurement: string, b: Uint8Array, from: number, to: number): number {
  if (filter.measurements !== undefined && !filter.measurements.has(measurement)) return FILTERED
  if (filter.since !== undefined && compareTime(b, from, to, filter.since) < 0) return FILTERED
  if (filter.until !== undefined && compareTime(b, from, to, filter.until) >= 0) return FILTERED
  if (filter.before !== undefined && compareTime(b, from, to, filter.before) >= 0) return NOT_BEFORE
  return 0
}

/** There is room in `out` at `o` for any line [s, e) of the shape of `lp`. */
const hasRoom = (lp: ByteLp, types: readonly unknown[], s: number, e: number, out: DataView, o: number): boolean => o + lp.fixedBytes + (e - s) + types.length + 2 <= out.byteLength

/**
 * Writes the line [s, e) of `src` (no newline) as line protocol and a newline
 * to `out` at `o`; returns where the output ends, or FALLBACK, FILTERED,
 * NO_ROOM or NOT_BEFORE. With `floatsAsWritten` (the reader option), a float
 * that is a finite JSON number is copied as it is written (floatAsWrittenEnd()),
 * not only one written as JS prints it.
 */
export function transcodeJsonlBytes(src: ByteText, s: number, e: number, out: DataView, o: number, filter: ByteFilter | undefined, floatsAsWritten = false): number {
  const b = src.bytes
  const timeStart = s + TIME_START.byteLength
  // The shape matchShape() would try first, by its compiled transcoder: it checks the whole line (the time too) and writes it as it goes.
  const guess = guessedShape()
  const code = guess?.lpCode
  if (code != null && hasRoom(guess!.lp!, guess!.types, s, e, out, o)) {
    // It checks `plausible` itself, on the time's digits as it reads them (an implausible time is a
    // miss, reported the general way): with no other filter, a line costs no scan for the time's end.
    const end = code(b, src.view, src, s, e, out, o, floatsAsWritten, filter?.plausible)
    if (end >= 0) {
      matchedShape(guess!)
      if (filter === undefined || filter.plausibleOnly) return end
      const verdict = selected(filter, guess!.measurement, b, timeStart, b.indexOf(QUOTE, timeStart))
      return verdict === 0 ? end : verdict
    }
  }
  // The time: the digits up to the first quote, as the string path takes them.
  const timeEnd = timeEndOf(src, s, e)
  if (timeEnd < 0) return FALLBACK
  // Every shape's key starts with `","measurement":"`: matching one checks that too.
  const shape = matchShape(src, e, timeEnd, 'lineProtocol', floatsAsWritten)
  const lp = shape?.lp
  if (lp === undefined) return FALLBACK
  if (filter !== undefined) {
    const verdict = filtered(filter, shape!.measurement, b, timeStart, timeEnd)
    if (verdict !== 0) return verdict
  }
  const { types } = shape!
  if (!hasRoom(lp, types, s, e, out, o)) return NO_ROOM
  if (shape!.lpCode === undefined && ++shape!.lpReads >= COMPILE_AT) shape!.lpCode = compileShapeTranscoder(shape!) ?? null
  const { order, keys, head } = lp
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
