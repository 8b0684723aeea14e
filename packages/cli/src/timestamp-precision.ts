import type { InfluxRecord, TimeUnit } from '@eht-influx-client/logfile'

type Logfile = Pick<typeof import('@eht-influx-client/logfile'), 'RecordError' | 'STATION_TIMES' | 'NS_PER_UNIT' | 'TIME_UNIT_NAMES' | 'unitThatFits'>

/** The unit of bare-number timestamps in `write` input (--precision), as InfluxDB's own `precision`. */
export type Precision = TimeUnit
export const PRECISIONS: readonly Precision[] = ['ns', 'us', 'ms', 's']

/**
 * `record`'s timestamp, a bare number in `precision`, to ns (exactly), checked to be in
 * 1990-2100. The writer checks the same window, but its advice names its library option
 * (timestampUnit); here it names --precision. `scalable`: the input has bare-number
 * timestamps that --precision applies to (else the advice says how the format writes times).
 * A RecordError (a bad line) for a timestamp outside the window.
 */
export function applyPrecision(logfile: Logfile, record: InfluxRecord, precision: Precision, scalable: boolean): InfluxRecord {
  const raw = record.timestamp
  const ns = raw * logfile.NS_PER_UNIT[precision]
  const { since, until } = logfile.STATION_TIMES
  if (ns >= since && ns < until) {
    record.timestamp = ns
    return record
  }
  // (never `precision` itself: the time is outside in it)
  const looks = logfile.unitThatFits(raw)
  const names = logfile.TIME_UNIT_NAMES
  const given = precision === 'ns' ? 'nanoseconds' : `--precision ${precision}: ${names[precision]}`
  const advice = looks === undefined ? '' : scalable ? `; this looks like ${names[looks]}: give --precision ${looks}` : `; this looks like ${names[looks]}; a CSV time is RFC 3339 or integer nanoseconds`
  throw new logfile.RecordError(`timestamp ${raw} (${given}) is outside 1990-2100${advice}`, 'timestamp')
}
