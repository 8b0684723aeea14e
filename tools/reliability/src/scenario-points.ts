import type { InfluxRecord } from '@eht-influx-client/logfile'

/** 2021-04-06T01:29:09Z in ns: the scenarios' points start here, one millisecond apart. */
export const BASE_NS = 1617672549000000000n
const MS = 1_000_000n

/** The timestamp of point `i` of a scenario (distinct milliseconds, so VictoriaMetrics keeps them apart). */
export function timestampOf(i: number, base = BASE_NS): bigint {
  return base + BigInt(i) * MS
}

/** Columns for `write()`: `count` points of measurement `m` from point `start`, field `value` = the point's number. */
export function columns(start: number, count: number, base = BASE_NS): { station: string[]; value: Float64Array; timestamp: BigInt64Array } {
  const value = new Float64Array(count)
  const timestamp = new BigInt64Array(count)
  for (let k = 0; k < count; k++) {
    value[k] = start + k
    timestamp[k] = timestampOf(start + k, base)
  }
  return { station: new Array<string>(count).fill('Kp'), value, timestamp }
}

/** The same points as records (for `delivery.send` or writing a logfile). */
export function pointRecords(measurement: string, start: number, count: number, base = BASE_NS): InfluxRecord[] {
  const out: InfluxRecord[] = []
  for (let i = start; i < start + count; i++) {
    out.push({ measurement, tags: { station: 'Kp' }, fields: { value: { type: 'float', value: i } }, timestamp: timestampOf(i, base) })
  }
  return out
}

/** A key naming one point: measurement and timestamp (each scenario point has its own). */
export function pointKey(record: Pick<InfluxRecord, 'measurement' | 'timestamp'>): string {
  return `${record.measurement}@${record.timestamp}`
}

/** The key of a line-protocol line `m,tags fields <ns>` (measurement up to the first comma or space, timestamp last). */
export function lineKey(line: string): string {
  const measurement = /^[^, ]+/.exec(line)?.[0] ?? ''
  return `${measurement}@${line.slice(line.lastIndexOf(' ') + 1)}`
}
