import { viewOf } from './byte-view.js'
import { FALLBACK, transcodeJsonlBytes, type ByteFilter, type ByteText } from './jsonl-bytes-to-lp.js'

/**
 * Consecutive points of one file as line protocol, transcoded from the bytes
 * read (reader option `lineProtocol`, `readyRun()`): one string for them all
 * instead of an item each. Its arrays are reused by the next `readyRun()` of the
 * same reader: read them before asking for the next run.
 */
export interface LineProtocolRun {
  readonly file: string
  /** The points' line protocol, each line ended by `\n`. */
  readonly text: string
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
  count = 0
  private readonly textEnds = new Int32Array(RUN_POINTS)
  private readonly lines = new Int32Array(RUN_POINTS)
  private readonly endOffsets = new Float64Array(RUN_POINTS)

  constructor(private readonly file: string) {}

  reset(): void {
    this.end = 0
    this.count = 0
  }

  /**
   * Transcodes line [s, e) of `src` (line number `line`, ending at file offset
   * `endOffset`) onto the run; returns the point count on success, else
   * FALLBACK, FILTERED, NO_ROOM or NOT_BEFORE (transcodeJsonlBytes).
   */
  add(src: ByteText, s: number, e: number, filter: ByteFilter | undefined, line: number, endOffset: number): number {
    if (this.count >= RUN_POINTS) return FALLBACK
    const end = transcodeJsonlBytes(src, s, e, this.outView, this.end, filter)
    if (end < 0) return end
    const i = this.count++
    this.textEnds[i] = end - 1
    this.lines[i] = line
    this.endOffsets[i] = endOffset
    this.end = end
    return this.count
  }

  /** The run built since reset(). */
  run(): LineProtocolRun {
    return { file: this.file, text: this.out.toString('latin1', 0, this.end), count: this.count, textEnds: this.textEnds, lines: this.lines, endOffsets: this.endOffsets }
  }
}
