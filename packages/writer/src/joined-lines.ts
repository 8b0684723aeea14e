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

  private constructor(
    /** The lines joined by `\n`. */
    readonly text: string,
    /** How many lines. */
    readonly count: number,
    split?: readonly string[],
  ) {
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

  /** Lines or joined lines as joined lines. */
  static from(lines: readonly string[] | JoinedLines): JoinedLines {
    return lines instanceof JoinedLines ? lines : JoinedLines.of(lines)
  }

  /** Size as the queue counts it: UTF-16 units plus one newline per line (close to bytes for line protocol). */
  get size(): number {
    return this.count === 0 ? 0 : this.text.length + 1
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
