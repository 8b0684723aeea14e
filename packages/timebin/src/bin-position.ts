/**
 * How close a time must come to a bin boundary `k * binWidth` to count as
 * exactly on it: within `BOUNDARY_ULPS * Number.EPSILON * |k * binWidth|`, that
 * is, two units in the last place of the boundary.
 *
 * A time meant as `k * binWidth` (a decimal such as `0.3` with width `0.1`, or
 * a bin start this package returned) differs from the computed boundary only by
 * rounding: at most half a unit each for `t`, for `binWidth` scaled by `k`, and
 * for the product. Two units covers that; at today's epoch (t near 1.7e9 s)
 * it is about half a microsecond.
 */
export const BOUNDARY_ULPS = 2

const TOLERANCE = BOUNDARY_ULPS * Number.EPSILON

/** Where a time falls: the integer bin index and the seconds since that bin's start. */
export interface BinPosition {
  /** Integer bin index: the bin starts at `index * binWidth`. */
  index: number
  /** Seconds from the bin's start to the time, in `[0, binWidth]`; exactly 0 on a boundary. */
  offset: number
}

/**
 * Whether `t` has a bin index that a `number` holds exactly (with one to spare
 * for the next bin), so that every bin start `k * binWidth` comes from an exact k.
 */
export function hasExactBinIndex(t: number, binWidth: number): boolean {
  return Math.abs(t / binWidth) < Number.MAX_SAFE_INTEGER
}

/**
 * The bin a time falls in, and how far into it. A time on a boundary, up to
 * the rounding {@link BOUNDARY_ULPS} allows, belongs to the bin it starts, with
 * offset 0. Call it only where {@link hasExactBinIndex} holds; the bin start
 * `index * binWidth` may still overflow to -Infinity (a huge width, a time
 * below -binWidth), which the caller must check (see {@link hasFiniteBinStart}).
 */
export function binPosition(t: number, binWidth: number): BinPosition {
  // `+ 0` turns the index -0 (from t = -0) into 0, so no bin start is ever -0.
  let index = Math.floor(t / binWidth) + 0
  const start = index * binWidth
  let offset = t - start
  if (offset <= TOLERANCE * Math.abs(start)) {
    offset = 0
  } else {
    const end = (index + 1) * binWidth
    // An end beyond the largest double (Infinity, with a huge width) is no boundary a finite t can be on:
    // without the check, `Infinity <= TOLERANCE * Infinity` would move t into a bin starting at Infinity.
    if (end - t <= TOLERANCE * Math.abs(end) && end !== Number.POSITIVE_INFINITY) {
      index += 1
      offset = 0
    } else if (offset > binWidth) {
      offset = binWidth
    }
  }
  return { index, offset }
}

/**
 * Whether the start of the bin {@link binPosition} gives, `index * binWidth`,
 * is a finite number: not so for a time in a bin that starts below
 * -Number.MAX_VALUE (possible only with a width above about 9e307).
 */
export function hasFiniteBinStart(index: number, binWidth: number): boolean {
  return Number.isFinite(index * binWidth)
}

/** 2^-1022, the smallest normal double: below it, rounding errors are absolute (up to half of Number.MIN_VALUE). */
const MIN_NORMAL = 2 ** -1022
const INTERIOR_TOLERANCE = 8 * Number.EPSILON

/**
 * How far inside the bin from `start = k * binWidth` to `end = (k + 1) * binWidth`
 * (both as computed) a time must be for {@link binPosition} to put it in bin k
 * at offset `t - start`, untouched by the boundary rounding: any `t` with
 * `start + margin < t < end - margin` is far enough from both boundaries.
 *
 * `t / binWidth` and the bin starts are each off by at most half a unit in the
 * last place of the largest magnitude involved (or half of Number.MIN_VALUE
 * below the normal range), and the boundary tolerance is {@link BOUNDARY_ULPS}
 * units; eight units leaves room to spare. This lets TimeBin decide with two
 * comparisons, without dividing, that a time lies inside the open bin or the
 * next one.
 *
 * The margin grows with the magnitude of the bin's times, so beyond a bin
 * index of about 2^47 (`1 / (32 * Number.EPSILON)`) it leaves no room in
 * the bin: there, far below `Number.MAX_SAFE_INTEGER`, every time goes the
 * careful way ({@link hasExactBinIndex}, then {@link binPosition}).
 *
 * Where a bin end overflows to Infinity (widths above about 9e307), or
 * `|start| + |end|` does, the margin is Infinity: then `start + margin` is
 * Infinity or NaN and `end - margin` -Infinity or NaN, so the bounds let no
 * time through, and every time of such a bin goes the careful way too.
 */
export function interiorMargin(start: number, end: number): number {
  // The sum is at least the largest magnitude, and cheaper than Math.max.
  return (Math.abs(start) + Math.abs(end) + MIN_NORMAL) * INTERIOR_TOLERANCE
}

/**
 * 1 / binWidth when binWidth is a power of two whose inverse is a finite
 * double (2^-1023 to 2^1023), else NaN. Only then is the inverse exact, so
 * that `x * exactInverse(w)` is `x / w` to the last bit, for every x.
 */
export function exactInverse(binWidth: number): number {
  const exponent = Math.round(Math.log2(binWidth))
  const inverse = 2 ** -exponent
  return 2 ** exponent === binWidth && Number.isFinite(inverse) ? inverse : Number.NaN
}
