import { viewOf } from './byte-view.js'
import { FILTERED, transcodeJsonlBytes, type ByteFilter } from './jsonl-bytes-to-lp.js'
import { bodyEnd, bodyStart, type LineBatch } from './line-source.js'

/**
 * Consecutive points of one file as line protocol, transcoded from the bytes
 * read (reader option `lineProtocol`, `readyRun()`): one string for them all
 * instead of an item each. Its arrays are reused by the next `readyRun()` of the
 * same reader: read them before asking for the next run.
 */
export interface LineProtocolRun {
  readonly file: string
  /** The points' line protocol, each line ended by `\n` (made from `bytes` when first read). */
  readonly text: string
  /** The same line protocol as bytes (ASCII), each line ended by `\n`; reused by the next `readyRun()` like the arrays. */
  readonly bytes: Buffer
  /** How many points (the arrays below may be longer: only the first `count` entries count). */
  readonly count: number
  /** Index in `text` of the `\n` that ends each point. */
  readonly textEnds: Int32Array
  /** 1-based line number of each point in the file. */
  readonly lines: Int32Array
  /** Byte offset just after each point's line in the (decompressed) file. */
  readonly endOffsets: Float64Array
}

/** Most points in one run. */
const RUN_POINTS = 4096
/** Most bytes of line protocol in one run. */
const RUN_BYTES = 512 * 1024

/** Builds the runs of one reader in buffers of its own. */
export class RunBuilder {
  private readonly out = Buffer.allocUnsafe(RUN_BYTES)
  private readonly outView = viewOf(this.out)
  private end = 0
  /** Points in the run. */
  count = 0
  /** Lines the filter left out while the run was built. */
  filtered = 0
  private readonly textEnds = new Int32Array(RUN_POINTS)
  private readonly lines = new Int32Array(RUN_POINTS)
  private readonly endOffsets = new Float64Array(RUN_POINTS)

  /** @param floatsAsWritten the reader option: floats may be copied as written (see transcodeJsonlBytes). */
  constructor(
    private readonly file: string,
    private readonly floatsAsWritten: boolean,
  ) {}

  /**
   * Builds a run from the lines of `batch` from index `from` on, as long as
   * they can be transcoded from its bytes (and end after `startOffset`); lines
   * left out by the filter are passed over and counted in `filtered`. Returns
   * the index of the first line not taken; `count` points are in the run.
   */
  fill(batch: LineBatch, from: number, startOffset: number, filter: ByteFilter | undefined): number {
    this.end = 0
    this.count = 0
    this.filtered = 0
    const { body, ends, problems } = batch
    const bodyFirst = batch.bodyFirst ?? 0
    if (body === undefined) return from
    let i = from
    for (; i < ends.length && this.count < RUN_POINTS; i++) {
      const end = ends[i]!
      if (i < bodyFirst || problems?.has(i) === true || end <= startOffset) break
      const s = bodyStart(batch, i)
      const e = bodyEnd(batch, i, s)
      const taken = transcodeJsonlBytes(body, s, e, this.outView, this.end, filter, this.floatsAsWritten)
      if (taken === FILTERED) {
        this.filtered++
        continue
      }
      if (taken < 0) break
      const k = this.count++
      this.textEnds[k] = taken - 1
      this.lines[k] = batch.first + i
      this.endOffsets[k] = end
      this.end = taken
    }
    return i
  }

  /** The run fill() built; its text is made only when asked for (a consumer of bytes needs none). */
  run(): LineProtocolRun {
    const bytes = this.out.subarray(0, this.end)
    let text: string | undefined
    return {
      file: this.file,
      bytes,
      get text(): string {
        text ??= bytes.toString('latin1')
        return text
      },
      count: this.count,
      textEnds: this.textEnds,
      lines: this.lines,
      endOffsets: this.endOffsets,
    }
  }
}
