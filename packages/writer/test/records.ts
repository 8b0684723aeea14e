import type { InfluxRecord } from '@eht-influx-client/logfile'

/** `n` records of `measurement`, 1 ms apart from `start`, field `value` = index (float). */
export function records(n: number, measurement: string, start = 1617672549204824064n): InfluxRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    measurement,
    tags: { station: 'Kp' },
    fields: { value: { type: 'float', value: i } },
    timestamp: start + BigInt(i) * 1_000_000n,
  }))
}
