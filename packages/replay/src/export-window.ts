/** One time window of an export: [from, to) in ns. */
export interface ExportWindow {
  from: bigint
  to: bigint
  /** False for a 1 ns window: it is read whatever its size, as it cannot be split. */
  capped: boolean
}

const MAX_GROWTH = 4n

/**
 * Walks [since, until) in windows sized so that each holds about `target`
 * points: the first window is the whole range; a window with more than the
 * cap is halved and read again; after a window, the next is scaled by
 * target / points read (at most 4 times larger), so memory stays bounded
 * however dense or sparse the data is.
 */
export class WindowPlanner {
  private from: bigint
  private span: bigint

  constructor(
    since: bigint,
    private readonly until: bigint,
    private readonly target: number,
  ) {
    this.from = since
    this.span = until - since
  }

  /** The next window, or undefined when the range is done. */
  next(): ExportWindow | undefined {
    if (this.from >= this.until) return undefined
    const left = this.until - this.from
    const span = this.span < left ? this.span : left
    return { from: this.from, to: this.from + span, capped: span > 1n }
  }

  /** The window held too many points: halve it. */
  tooMany(): void {
    const window = this.next()
    const span = window === undefined ? this.span : window.to - window.from
    this.span = span > 1n ? span / 2n : 1n
  }

  /** The window was read with `points` points: move on and size the next. */
  done(points: number): void {
    const window = this.next()
    if (window === undefined) return
    const span = window.to - window.from
    this.from = window.to
    const scaled = points === 0 ? span * MAX_GROWTH : (span * BigInt(this.target)) / BigInt(points)
    const most = span * MAX_GROWTH
    this.span = scaled > most ? most : scaled < 1n ? 1n : scaled
  }
}
