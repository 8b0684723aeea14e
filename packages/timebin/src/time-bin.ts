import { binIndexRangeError, checkBinWidth, earlierTimeError, pointArgumentError } from './arguments.js'
import { binPosition, hasExactBinIndex } from './bin-position.js'
import { type BinTuple, PendingBins } from './pending-bins.js'

/** The bin still being filled, as {@link TimeBin.openBin} shows it. */
export interface OpenBin {
  /** The bin's start, `k * binWidth`. */
  readonly start: number
  /**
   * What the bin holds so far: the sum of `value * span / binWidth` over the
   * spans covered. It is the bin's average once the whole bin is covered.
   */
  readonly value: number
  /** Seconds of the bin covered so far, counted from its start (0 to binWidth). */
  readonly covered: number
}

/**
 * Turns `(time, value)` points, sampled at irregular times, into time-weighted
 * averages over fixed bins that start at exact multiples of the bin width.
 * Each point's value holds from the previous point's time up to its own.
 */
export class TimeBin {
  /** Bin width in seconds. */
  readonly binWidth: number

  /** Index k of the open bin, which starts at k * binWidth. */
  #index = 0
  /** Seconds from the open bin's start to the last point: how much of it is covered. */
  #offset = 0
  /** Sum of value * seconds over the covered part of the open bin. */
  #valueSeconds = 0
  /** Time of the last point; NaN before the first point (after construction or flush()). */
  #lastT = Number.NaN
  #finished = new PendingBins()
  /** Calls to point() so far, so that an error can say which call was bad. */
  #calls = 0

  /** @param binWidth bin width in seconds: a positive, finite number (default 1). */
  constructor(binWidth = 1.0) {
    this.binWidth = checkBinWidth(binWidth)
  }

  /**
   * Adds a point: `value` held from the previous point's time up to `t`
   * (seconds since the epoch, like `Date.now() / 1000`). The first point counts
   * as if it had held from the start of its own bin. A point in a later bin
   * finishes the open bin and every whole bin before its own.
   *
   * @throws {TypeError} when `t` or `value` is not a number.
   * @throws {RangeError} when `t` or `value` is not finite, when `t` is earlier
   *   than the previous point's time, or when `t / binWidth` is beyond
   *   `Number.MAX_SAFE_INTEGER`. The instance is unchanged after an error.
   */
  point(t: number, value: number): void {
    const call = ++this.#calls
    // Number.isFinite is false for anything but a finite number; the error tells which.
    if (!Number.isFinite(t) || !Number.isFinite(value)) throw pointArgumentError(t, value, call)
    const lastT = this.#lastT
    if (t < lastT) throw earlierTimeError(t, lastT, call)
    if (t === lastT) return
    const width = this.binWidth
    if (!hasExactBinIndex(t, width)) throw binIndexRangeError(t, width, call)
    const { index, offset } = binPosition(t, width)
    this.#lastT = t
    if (Number.isNaN(lastT)) {
      this.#open(index, offset, value)
    } else if (index === this.#index) {
      this.#valueSeconds += value * (offset - this.#offset)
      this.#offset = offset
    } else {
      const finished = this.#finished
      finished.push(this.#index * width, (this.#valueSeconds + value * (width - this.#offset)) / width)
      for (let k = this.#index + 1; k < index; k++) finished.push(k * width, value)
      this.#open(index, offset, value)
    }
  }

  /** Returns the finished bins as `[binStart, value]`, oldest first, and forgets them. */
  getTuples(): BinTuple[] {
    return this.#finished.take()
  }

  /**
   * Closes the open bin and returns it after the finished ones. Its value is the
   * average over the part of the bin that was covered; a bin with nothing
   * covered (its only point on its start) is left out. Afterwards the instance
   * starts fresh: the next point counts from the start of its own bin.
   */
  flush(): BinTuple[] {
    if (!Number.isNaN(this.#lastT) && this.#offset > 0) {
      this.#finished.push(this.#index * this.binWidth, this.#valueSeconds / this.#offset)
    }
    this.#lastT = Number.NaN
    this.#open(0, 0, 0)
    return this.#finished.take()
  }

  /** The bin still being filled, or `undefined` before the first point and after `flush()`. */
  get openBin(): OpenBin | undefined {
    if (Number.isNaN(this.#lastT)) return undefined
    return { start: this.#index * this.binWidth, value: this.#valueSeconds / this.binWidth, covered: this.#offset }
  }

  /** Opens bin `index`, covered up to `offset` by `value` (the first point counts from the bin's start). */
  #open(index: number, offset: number, value: number): void {
    this.#index = index
    this.#offset = offset
    this.#valueSeconds = value * offset
  }
}
