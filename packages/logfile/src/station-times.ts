/**
 * The times station data can have: 1990-01-01 to 2100-01-01 (UTC), as integer
 * ns, `since` included, `until` not. A timestamp outside them is taken for a
 * wrong unit (an epoch in seconds read as nanoseconds is in 1970): the writer
 * refuses it, replay reads with it as its `plausible` range, and the cli checks
 * its time options and `--precision` against it.
 */
export const STATION_TIMES: Readonly<{ since: bigint; until: bigint }> = Object.freeze({ since: 631_152_000_000_000_000n, until: 4_102_444_800_000_000_000n })

/** A unit of integer timestamps, as InfluxDB's `precision`. */
export type TimeUnit = 's' | 'ms' | 'us' | 'ns'

/** Nanoseconds in one of each unit. */
export const NS_PER_UNIT: Readonly<Record<TimeUnit, bigint>> = Object.freeze({ s: 1_000_000_000n, ms: 1_000_000n, us: 1_000n, ns: 1n })

/** Each unit's name in messages. */
export const TIME_UNIT_NAMES: Readonly<Record<TimeUnit, string>> = Object.freeze({ s: 'seconds', ms: 'milliseconds', us: 'microseconds', ns: 'nanoseconds' })

/**
 * The unit in which the whole number `raw` is a time in `[since, until)`
 * (by default {@link STATION_TIMES}), trying seconds, milliseconds,
 * microseconds, then nanoseconds; undefined when none. For the station times
 * at most one unit fits (they span less than a factor of 1000): the unit a
 * timestamp outside them "looks like".
 */
export function unitThatFits(raw: bigint, range: { since: bigint; until: bigint } = STATION_TIMES): TimeUnit | undefined {
  for (const unit of ['s', 'ms', 'us', 'ns'] as const) {
    const ns = raw * NS_PER_UNIT[unit]
    if (ns >= range.since && ns < range.until) return unit
  }
  return undefined
}
