import { binIndexRangeError, binStartRangeError, checkBinWidth, earlierTimeError, pointArgumentError } from './arguments.js'
import { binPosition, exactInverse, hasExactBinIndex, hasFiniteBinStart, interiorMargin } from './bin-position.js'

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
  /** Bin width in seconds, kept behind the binWidth getter so that no assignment can change it. */
  private readonly _width: number

  // The state is in plain properties, marked private for TypeScript only: in
  // Node 20, V8 sometimes compiles `#private` fields to a generic lookup, which
  // made point() more than ten times slower in bench/timebin.mjs. Numbers
  // start as NaN so that every instance keeps one shape from the first point on.

  /** Index k of the open bin; it starts at k * binWidth and ends at (k + 1) * binWidth, computed from k each time. */
  private _index = Number.NaN
  /** The open bin's start, k * binWidth. */
  private _start = Number.NaN
  /** Seconds from the open bin's start to the last point: how much of it is covered. */
  private _offset = Number.NaN
  /** Sum of value * seconds over the covered part of the open bin. */
  private _valueSeconds = Number.NaN
  /** Time of the last point; NaN before the first point (after construction or flush()). */
  private _lastT = Number.NaN
  /**
   * The shortcuts, set when a bin opens: a time in (_lastT, _sameUntil) is
   * later than the last point and inside the open bin, one in (_nextFrom,
   * _nextUntil) inside the next bin, both clear of the boundaries (see
   * interiorMargin), so point() needs no division for them. The first holds
   * only while _lastT is itself clear of the open bin's start; where it is
   * not, _sameUntil is NaN. NaN lets no time through (before the first point
   * and after flush()), nor do bounds with no room between them (bin indices
   * beyond about 2^47).
   */
  private _sameUntil = Number.NaN
  private _nextFrom = Number.NaN
  private _nextUntil = Number.NaN
  /**
   * Finished bins not yet taken: the first as numbers (most often it is the
   * only one, and its tuple is made when it is taken; _firstStart is NaN when
   * there is none), and all of them as tuples once there are two or more
   * (_finished is NONE until then).
   */
  private _firstStart = Number.NaN
  private _firstValue = Number.NaN
  private _finished: BinTuple[] = NONE
  /**
   * 1 / binWidth where it is exact (binWidth a power of two), else NaN: then
   * `x * _inverse` is `x / binWidth` to the last bit (both are the exact
   * quotient, rounded once), and a multiplication costs less than a division.
   */
  private readonly _inverse: number = Number.NaN
  /** Calls to point() so far, so that an error can say which call was bad. */
  private _calls = 0

  /** @param binWidth bin width in seconds: a positive, finite number (default 1). */
  constructor(binWidth = 1.0) {
    this._width = checkBinWidth(binWidth)
    this._inverse = exactInverse(this._width)
  }

  /**
   * Bin width in seconds, as given to the constructor. Read-only: assigning it
   * throws a TypeError (modules are strict), since the open bin and the
   * shortcuts were computed with it.
   */
  get binWidth(): number {
    return this._width
  }

  /**
   * Adds a point: `value` held from the previous point's time up to `t`
   * (seconds since the epoch, like `Date.now() / 1000`). The first point counts
   * as if it had held from the start of its own bin. A point in a later bin
   * finishes the open bin and every whole bin before its own.
   *
   * @throws {TypeError} when `t` or `value` is not a number.
   * @throws {RangeError} when `t` or `value` is not finite, when `t` is earlier
   *   than the previous point's time, when `t / binWidth` is beyond
   *   `Number.MAX_SAFE_INTEGER`, or when the start of `t`'s bin is beyond
   *   -Number.MAX_VALUE (huge widths only). The instance is unchanged after an error.
   */
  point(t: number, value: number): void {
    this._calls++
    // Most points fall inside the next bin or the open one, clear of the
    // boundaries. The shortcuts' bounds are finite or NaN, so a time within them
    // is finite, later than the last point, and has an exact bin index. The two
    // ranges do not overlap; the next bin is tried first, as a station sampling
    // about once a bin (the seed loop) mostly needs it, and a station sampling
    // faster loses less by it (measured: -0.5 ns a point at one point a second,
    // no change at ten).
    if (typeof t === 'number' && Number.isFinite(value)) {
      if (t > this._nextFrom && t < this._nextUntil) {
        this._finishOpenBin(value)
        this._sameUntil = this._nextUntil
        this._enter(this._index + 1, t, value)
        return
      }
      if (t < this._sameUntil && t > this._lastT) {
        const offset = t - this._start
        this._valueSeconds += value * (offset - this._offset)
        this._offset = offset
        this._lastT = t
        return
      }
    }
    this._pointCarefully(t, value)
  }

  /** Returns the finished bins as `[binStart, value]`, oldest first, and forgets them. */
  getTuples(): BinTuple[] {
    const finished = this._finished
    if (finished === NONE) {
      const start = this._firstStart
      if (Number.isNaN(start)) return []
      this._firstStart = Number.NaN
      return [[start, this._firstValue]]
    }
    this._finished = NONE
    this._firstStart = Number.NaN
    return finished
  }

  /**
   * Closes the open bin and returns it after the finished ones. Its value is the
   * average over the part of the bin that was covered; a bin with nothing
   * covered (its only point on its start) is left out. Afterwards the instance
   * starts fresh: the next point counts from the start of its own bin.
   */
  flush(): BinTuple[] {
    if (!Number.isNaN(this._lastT) && this._offset > 0) this._finish(this._start, this._valueSeconds / this._offset)
    this._lastT = this._sameUntil = this._nextFrom = this._nextUntil = Number.NaN
    return this.getTuples()
  }

  /** The bin still being filled, or `undefined` before the first point and after `flush()`. */
  get openBin(): OpenBin | undefined {
    if (Number.isNaN(this._lastT)) return undefined
    return { start: this._start, value: this._valueSeconds / this._width, covered: this._offset }
  }

  /** What `console.log()` and `util.inspect()` show: the width and the open bin, not the bookkeeping. */
  [Symbol.for('nodejs.util.inspect.custom')](): { binWidth: number; openBin: OpenBin | undefined } {
    return { binWidth: this.binWidth, openBin: this.openBin }
  }

  /** Any point, with every check, and the boundaries taken with their rounding (binPosition). */
  private _pointCarefully(t: number, value: number): void {
    const call = this._calls
    if (!Number.isFinite(t) || !Number.isFinite(value)) throw pointArgumentError(t, value, call)
    if (t >= this._nextUntil && this._skipOneBin(t, value)) return
    const lastT = this._lastT
    if (t < lastT) throw earlierTimeError(t, lastT, call)
    if (t === lastT) return
    const width = this._width
    if (!hasExactBinIndex(t, width)) throw binIndexRangeError(t, width, call)
    const { index, offset } = binPosition(t, width)
    if (!hasFiniteBinStart(index, width)) throw binStartRangeError(t, width, index, call)
    if (Number.isNaN(lastT)) {
      this._open(index, t, offset, value)
    } else if (index === this._index) {
      this._valueSeconds += value * (offset - this._offset)
      this._offset = offset
      this._lastT = t
      this._sameUntil = sameUntil(t, this._start, (index + 1) * width)
    } else {
      this._finishOpenBin(value)
      for (let k = this._index + 1; k < index; k++) this._finish(k * width, value)
      this._open(index, t, offset, value)
    }
  }

  /**
   * The shortcut for a `t` beyond the next bin, taken by _pointCarefully before
   * any division: if `t` lies in the bin after the next one, clear of its
   * boundaries (see interiorMargin), finishes the open bin and the next one and
   * opens that bin, with the same numbers as the careful way; otherwise does
   * nothing and returns false.
   */
  private _skipOneBin(t: number, value: number): boolean {
    const width = this._width
    const index = this._index + 2
    const start = index * width
    const end = (index + 1) * width
    const margin = interiorMargin(start, end)
    if (!(t > start + margin && t < end - margin)) return false
    this._finishOpenBin(value)
    this._finish((index - 1) * width, value)
    this._sameUntil = end - margin
    this._enter(index, t, value)
    return true
  }

  /** Finishes the open bin, `value` covering the rest of it. */
  private _finishOpenBin(value: number): void {
    const width = this._width
    const inverse = this._inverse
    const valueSeconds = this._valueSeconds + value * (width - this._offset)
    this._finish(this._start, inverse > 0 ? valueSeconds * inverse : valueSeconds / width)
  }

  /** Adds a finished bin to those getTuples() will return. */
  private _finish(start: number, value: number): void {
    const first = this._firstStart
    if (Number.isNaN(first)) {
      this._firstStart = start
      this._firstValue = value
    } else if (this._finished === NONE) {
      this._finished = [[first, this._firstValue], [start, value]]
    } else {
      this._finished.push([start, value])
    }
  }

  /**
   * Opens bin `index` at the point `(t, value)`, `offset` seconds after its
   * start as binPosition gives it (the first point counts from the bin's start).
   */
  private _open(index: number, t: number, offset: number, value: number): void {
    this._enter(index, t, value, offset)
    const start = this._start
    this._sameUntil = sameUntil(t, start, (index + 1) * this._width)
  }

  /**
   * Makes bin `index` the open bin, covered from its start up to the point
   * `(t, value)`, `offset` seconds into it (by default `t - start`, for a `t`
   * inside a shortcut), and sets the shortcut for the bin after it. Bin
   * starts and ends are computed from their indices, `k * binWidth`. The
   * caller sets the same-bin shortcut (_sameUntil).
   */
  private _enter(index: number, t: number, value: number, offset?: number): void {
    const width = this._width
    const start = index * width
    const end = (index + 1) * width
    const nextEnd = (index + 2) * width
    const covered = offset ?? t - start
    this._index = index
    this._start = start
    this._offset = covered
    this._valueSeconds = value * covered
    this._lastT = t
    const nextMargin = interiorMargin(end, nextEnd)
    this._nextFrom = end + nextMargin
    this._nextUntil = nextEnd - nextMargin
  }
}

/** Stands for "fewer than two tuples" in TimeBin's _finished; never handed out, never changed. */
const NONE: BinTuple[] = []

/**
 * The upper bound of the same-bin shortcut for the bin from `start` to `end`
 * after a point at `lastT` in it: times after `lastT` and below it are inside
 * the bin, clear of its boundaries, if `lastT` is clear of its start; NaN
 * (no shortcut) if it is not.
 */
function sameUntil(lastT: number, start: number, end: number): number {
  const margin = interiorMargin(start, end)
  return lastT >= start + margin ? end - margin : Number.NaN
}
