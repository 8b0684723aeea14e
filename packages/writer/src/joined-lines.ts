import { isAscii } from 'node:buffer'

/**
 * Where line `k` lines after the one starting at `pos` starts (the index after
 * the k-th `\n`); `text.length + 1` when the text ends first.
 */
export function advanceLines(text: string, pos: number, k: number): number {
  for (let i = 0; i < k; i++) {
    if (pos > text.length) return pos
    const newline = text.indexOf('\n', pos)
    pos = newline < 0 ? text.length + 1 : newline + 1
  }
  return pos
}

/**
 * Lines of line protocol held as one string, joined by `\n` (no newline at the
 * end): one object per write call instead of one string per point, so that
 * what waits for a server costs the garbage collector nothing per point, and a
 * batch of whole calls is sent without copying. Lines never hold a `\n`
 * (line protocol cannot carry one). The lines themselves are split out only on
 * the rare paths that need them (a rejected point, a partly delivered batch).
 */
export class JoinedLines {
  private split: readonly string[] | undefined
  private joined: string | undefined
  /** The text's UTF-8 bytes, once made (see utf8()). */
  private made: Buffer | undefined

  private constructor(
    text: string | undefined,
    /** How many lines. */
    readonly count: number,
    split?: readonly string[],
    /** The lines as UTF-8 bytes, when they came as bytes. */
    private readonly encoded?: Buffer,
  ) {
    this.joined = text
    this.split = split
  }

  static readonly EMPTY = new JoinedLines('', 0, [])

  /** Joins lines (each without a `\n`). */
  static of(lines: readonly string[]): JoinedLines {
    return lines.length === 0 ? JoinedLines.EMPTY : new JoinedLines(lines.join('\n'), lines.length)
  }

  /** `text` holding `count` lines joined by `\n`. */
  static fromText(text: string, count: number): JoinedLines {
    return count === 0 ? JoinedLines.EMPTY : new JoinedLines(text, count)
  }

  /**
   * `bytes` (UTF-8) holding `count` lines joined by `\n`, with no newline at the
   * end: sent as they are, and turned into text only where a line must be read
   * (a rejected point, a partly delivered batch, the spool). The bytes are kept,
   * not copied: do not change them until the delivery is done with them (once
   * `Delivery.enqueue(lines, true)` has resolved; without `track`, never).
   */
  static fromBytes(bytes: Uint8Array, count: number): JoinedLines {
    if (count === 0) return JoinedLines.EMPTY
    const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    // Beyond ASCII, the text's length (what size counts) is not the bytes': it is made now.
    return new JoinedLines(isAscii(buffer) ? undefined : buffer.toString('utf8'), count, undefined, buffer)
  }

  /** Lines or joined lines as joined lines. */
  static from(lines: readonly string[] | JoinedLines): JoinedLines {
    return lines instanceof JoinedLines ? lines : JoinedLines.of(lines)
  }

  /** The lines joined by `\n`. */
  get text(): string {
    this.joined ??= this.encoded!.toString('latin1') // (made here only for ASCII bytes)
    return this.joined
  }

  /**
   * The lines as UTF-8 bytes: those they came as, or made from the text once
   * (what a request carries: made here, the transport does not make them again,
   * and every server's batch of the same call shares them).
   */
  utf8(): Buffer {
    return this.encoded ?? (this.made ??= Buffer.from(this.text))
  }

  /** What a request carries: the bytes the lines came as (or made by utf8()), or else their text. */
  get body(): string | Buffer {
    return this.encoded ?? this.made ?? this.text
  }

  /** Size as the queue counts it: UTF-16 units plus one newline per line (close to bytes for line protocol). */
  get size(): number {
    if (this.count === 0) return 0
    return (this.joined === undefined ? this.encoded!.length : this.joined.length) + 1
  }

  /** The lines one by one. */
  lines(): readonly string[] {
    this.split ??= this.count === 0 ? [] : this.text.split('\n')
    return this.split
  }

  /** Lines [from, to). */
  slice(from: number, to: number): JoinedLines {
    if (from <= 0 && to >= this.count) return this
    if (to <= from) return JoinedLines.EMPTY
    return JoinedLines.of(this.lines().slice(from, to))
  }

  /** The lines whose index passes `keep`, joined. */
  filter(keep: (index: number) => boolean): JoinedLines {
    const all = this.lines()
    const kept = all.filter((_, i) => keep(i))
    return kept.length === all.length ? this : JoinedLines.of(kept)
  }
}
