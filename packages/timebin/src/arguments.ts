/** Shows a bad argument the way a caller would recognise it in their own code. */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value)
    case 'string':
      return `the string ${JSON.stringify(value)}`
    case 'bigint':
      return `the bigint ${value}n`
    case 'undefined':
      return 'undefined'
    case 'object':
      return value === null ? 'null' : Array.isArray(value) ? 'an array' : 'an object'
    default:
      return `a ${typeof value}`
  }
}

/** The bin width in seconds: a positive, finite number. */
export function checkBinWidth(binWidth: unknown): number {
  const where = 'new TimeBin(binWidth)'
  if (typeof binWidth !== 'number') {
    throw new TypeError(`${where}: binWidth must be a number of seconds, got ${describeValue(binWidth)}`)
  }
  if (!(binWidth > 0) || binWidth === Infinity) {
    throw new RangeError(`${where}: binWidth must be a positive, finite number of seconds, got ${describeValue(binWidth)}`)
  }
  return binWidth
}

/**
 * The error for a time or value that is not a finite number (call it only for
 * those). `call` is the 1-based number of the `point()` call, so the caller can
 * find the point in their data.
 */
export function pointArgumentError(t: unknown, value: unknown, call: number): TypeError | RangeError {
  const where = `TimeBin.point(t, value), call #${call}`
  if (typeof t !== 'number') {
    const hint = typeof t === 'bigint' ? ' since the epoch, like Date.now() / 1000, not a bigint of nanoseconds' : ''
    return new TypeError(`${where}: t must be a number of seconds${hint}, got ${describeValue(t)}`)
  }
  if (!Number.isFinite(t)) return new RangeError(`${where}: t must be a finite number of seconds, got ${describeValue(t)}`)
  if (typeof value !== 'number') return new TypeError(`${where}: value must be a number, got ${describeValue(value)} at t=${t}`)
  return new RangeError(`${where}: value must be a finite number, got ${describeValue(value)} at t=${t}`)
}

export function earlierTimeError(t: number, previous: number, call: number): RangeError {
  return new RangeError(
    `TimeBin.point(t, value), call #${call}: t=${t} is earlier than the previous point's t=${previous}; times must not decrease (an equal time is allowed)`,
  )
}

export function binIndexRangeError(t: number, binWidth: number, call: number): RangeError {
  return new RangeError(
    `TimeBin.point(t, value), call #${call}: t=${t} is too far from 0 for binWidth=${binWidth}: its bin index ${t / binWidth} is beyond Number.MAX_SAFE_INTEGER, so bin starts could not be exact`,
  )
}

export function binStartRangeError(t: number, binWidth: number, index: number, call: number): RangeError {
  return new RangeError(
    `TimeBin.point(t, value), call #${call}: t=${t} is too far from 0 for binWidth=${binWidth}: its bin starts at ${index} * ${binWidth}, beyond the largest number (Number.MAX_VALUE), so the bin start cannot be represented`,
  )
}
