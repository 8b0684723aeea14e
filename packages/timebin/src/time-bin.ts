import { binIndexRangeError, checkBinWidth, earlierTimeError, pointArgumentError } from './arguments.js'
import { binPosition, hasExactBinIndex, interiorMargin } from './bin-position.js'

/** A finished bin: `[binStart, value]`, where `binStart = k * binWidth`. */
export type BinTuple = [binStart: number, value: number]

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

  /** Index k of the open bin. */
  #index = 0
  /** The open bin's start, k * binWidth. */
  #start = 0
  /** The open bin's end, (k + 1) * binWidth, and the next bin's, (k + 2) * binWidth. */
  #end = 0
  #nextEnd = 0
  /** Seconds from the open bin's start to the last point: how much of it is covered. */
  #offset = 0
  /** Sum of value * seconds over the covered part of the open bin. */
  #valueSeconds = 0
  /** Time of the last point; NaN before the first point (after construction or flush()). */
  #lastT = Number.NaN
  /**
   * The shortcuts, set when a bin opens: a time in (#sameFrom, #sameUntil) is
   * later than the last point and inside the open bin, one in (#nextFrom,
   * #nextUntil) inside the next bin, both clear of the boundaries (see
   * interiorMargin), so point() needs no division for them. NaN lets no time
   * through (before the first point and after flush()), nor do bounds with no
   * room between them (bin indices beyond about 2^47).
   */
  #sameFrom = Number.NaN
  #sameUntil = Number.NaN
  #nextFrom = Number.NaN
  #nextUntil = Number.NaN
  /**
   * Finished bins not yet taken: how many, the first as numbers (most often it
   * is the only one, and its tuple is made when it is taken), and all of them
   * as tuples once there are two or more.
   */
  #finishedCount = 0
  #firstStart = 0
  #firstValue = 0
  #finished: BinTuple[] = []
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
    this.#calls++
    // Most points fall inside the open bin or the next one, clear of the
    // boundaries. The shortcuts' bounds are finite or NaN, so a time within them
    // is finite, later than the last point, and has an exact bin index.
    if (typeof t === 'number' && Number.isFinite(value)) {
      if (t > this.#sameFrom && t < this.#sameUntil) {
        this.#cover(t, t - this.#start, value)
        this.#sameFrom = t
        return
      }
      if (t > this.#nextFrom && t < this.#nextUntil) {
        this.#finishOpenBin(value)
        this.#openNext(t, value)
        return
      }
    }
    this.#pointCarefully(t, value)
  }

  /** Returns the finished bins as `[binStart, value]`, oldest first, and forgets them. */
  getTuples(): BinTuple[] {
    const count = this.#finishedCount
    if (count === 0) return []
    this.#finishedCount = 0
    if (count === 1) return [[this.#firstStart, this.#firstValue]]
    const finished = this.#finished
    this.#finished = []
    return finished
  }

  /**
   * Closes the open bin and returns it after the finished ones. Its value is the
   * average over the part of the bin that was covered; a bin with nothing
   * covered (its only point on its start) is left out. Afterwards the instance
   * starts fresh: the next point counts from the start of its own bin.
   */
  flush(): BinTuple[] {
    if (!Number.isNaN(this.#lastT) && this.#offset > 0) this.#finish(this.#start, this.#valueSeconds / this.#offset)
    this.#close()
    return this.getTuples()
  }

  /** The bin still being filled, or `undefined` before the first point and after `flush()`. */
  get openBin(): OpenBin | undefined {
    if (Number.isNaN(this.#lastT)) return undefined
    return { start: this.#start, value: this.#valueSeconds / this.binWidth, covered: this.#offset }
  }

  /** Any point, with every check, and the boundaries taken with their rounding (binPosition). */
  #pointCarefully(t: number, value: number): void {
    const call = this.#calls
    if (!Number.isFinite(t) || !Number.isFinite(value)) throw pointArgumentError(t, value, call)
    const lastT = this.#lastT
    if (t < lastT) throw earlierTimeError(t, lastT, call)
    if (t === lastT) return
    const width = this.binWidth
    if (!hasExactBinIndex(t, width)) throw binIndexRangeError(t, width, call)
    const { index, offset } = binPosition(t, width)
    if (Number.isNaN(lastT)) {
      this.#open(index, index * width, (index + 1) * width, t, offset, value)
    } else if (index === this.#index) {
      this.#cover(t, offset, value)
      this.#sameFrom = Math.max(t, this.#sameFrom)
    } else {
      this.#finishOpenBin(value)
      for (let k = this.#index + 1; k < index; k++) this.#finish(k * width, value)
      this.#open(index, index * width, (index + 1) * width, t, offset, value)
    }
  }

  /** Adds the point `(t, value)`, `offset` seconds into the open bin: `value` held since the last point. */
  #cover(t: number, offset: number, value: number): void {
    this.#valueSeconds += value * (offset - this.#offset)
    this.#offset = offset
    this.#lastT = t
  }

  /** Finishes the open bin, `value` covering the rest of it. */
  #finishOpenBin(value: number): void {
    const width = this.binWidth
    this.#finish(this.#start, (this.#valueSeconds + value * (width - this.#offset)) / width)
  }

  /** Adds a finished bin to those getTuples() will return. */
  #finish(start: number, value: number): void {
    const count = this.#finishedCount++
    if (count === 0) {
      this.#firstStart = start
      this.#firstValue = value
    } else if (count === 1) {
      this.#finished = [[this.#firstStart, this.#firstValue], [start, value]]
    } else {
      this.#finished.push([start, value])
    }
  }

  /**
   * Opens bin `index` (from `start` to `end`) at the point `(t, value)`, `offset`
   * seconds after its start (the first point counts from the bin's start).
   */
  #open(index: number, start: number, end: number, t: number, offset: number, value: number): void {
    this.#enter(index, start, end, t, offset, value)
    const margin = interiorMargin(start, end)
    this.#sameFrom = Math.max(t, start + margin)
    this.#sameUntil = end - margin
  }

  /**
   * {@link #open} for the bin after the open one and a `t` inside its shortcut,
   * which becomes the shortcut for the open bin. Its start and end are the ones
   * computed from their indices, `(k + 1) * binWidth` and `(k + 2) * binWidth`.
   */
  #openNext(t: number, value: number): void {
    const start = this.#end
    const sameUntil = this.#nextUntil
    this.#enter(this.#index + 1, start, this.#nextEnd, t, t - start, value)
    this.#sameFrom = t
    this.#sameUntil = sameUntil
  }

  /** Makes bin `index` the open bin (see {@link #open}) and sets the shortcut for the next one. */
  #enter(index: number, start: number, end: number, t: number, offset: number, value: number): void {
    const nextEnd = (index + 2) * this.binWidth
    this.#index = index
    this.#start = start
    this.#end = end
    this.#nextEnd = nextEnd
    this.#offset = offset
    this.#valueSeconds = value * offset
    this.#lastT = t
    const nextMargin = interiorMargin(end, nextEnd)
    this.#nextFrom = end + nextMargin
    this.#nextUntil = nextEnd - nextMargin
  }

  /** Leaves no bin open, as before the first point. */
  #close(): void {
    this.#lastT = this.#sameFrom = this.#sameUntil = this.#nextFrom = this.#nextUntil = Number.NaN
  }
}
