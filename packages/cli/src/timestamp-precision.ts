import type { InfluxRecord } from '@eht-influx-client/logfile'

type Logfile = Pick<typeof import('@eht-influx-client/logfile'), 'RecordError'>

/** The unit of bare-number timestamps in `write` input (--precision), as InfluxDB's own `precision`. */
export type Precision = 'ns' | 'us' | 'ms' | 's'
export const PRECISIONS: readonly Precision[] = ['ns', 'us', 'ms', 's']

const NS_PER: Readonly<Record<Precision, bigint>> = { ns: 1n, us: 1000n, ms: 1_000_000n, s: 1_000_000_000n }
const UNIT_NAMES: Readonly<Record<Precision, string>> = { ns: 'nanoseconds', us: 'microseconds', ms: 'milliseconds', s: 'seconds' }

/** Station data lies in 1990-2100 (UTC): the writer's plausibility window, in ns. */
export const PLAUSIBLE_MIN_NS = 631_152_000_000_000_000n
export const PLAUSIBLE_MAX_NS = 4_102_444_800_000_000_000n
const plausible = (ns: bigint) => ns >= PLAUSIBLE_MIN_NS && ns < PLAUSIBLE_MAX_NS

/**
 * `record`'s timestamp, a bare number in `precision`, to ns (exactly), checked to be in
 * 1990-2100. The writer checks the same window, but its advice names its library option
 * (timestampUnit); here it names --precision. `scalable`: the input has bare-number
 * timestamps that --precision applies to (else the advice says how the format writes times).
 * A RecordError (a bad line) for a timestamp outside the window.
 */
export function applyPrecision(logfile: Logfile, record: InfluxRecord, precision: Precision, scalable: boolean): InfluxRecord {
  const raw = record.timestamp
  const ns = raw * NS_PER[precision]
  if (plausible(ns)) {
    record.timestamp = ns
    return record
  }
  const looks = PRECISIONS.find((unit) => unit !== precision && plausible(raw * NS_PER[unit]))
  const given = precision === 'ns' ? 'nanoseconds' : `--precision ${precision}: ${UNIT_NAMES[precision]}`
  const advice = looks === undefined ? '' : scalable ? `; this looks like ${UNIT_NAMES[looks]}: give --precision ${looks}` : `; this looks like ${UNIT_NAMES[looks]}; a CSV time is RFC 3339 or integer nanoseconds`
  throw new logfile.RecordError(`timestamp ${raw} (${given}) is outside 1990-2100${advice}`, 'timestamp')
}
