import fs from 'node:fs'
import { decodeLineProtocol, encodeLineProtocol, parseRfc3339, readLogs, type InfluxRecord } from '@eht-influx-client/logfile'
import type { InfluxDB1Server } from '@eht-influx-client/test-support'
import { measurementsOf } from './corpus-cases.js'

// Reads back what a corpus case wrote, from the logfile (exact line protocol)
// and from InfluxDB 1.x (one canonical text per point: time, tags and field
// values; 1.x's JSON does not tell a float 3 from an integer 3).

/** Every logged record of these measurements, as line protocol, in file order. */
export async function loggedLines(logDir: string, measurements: readonly string[]): Promise<string[]> {
  if (!fs.existsSync(logDir)) return []
  const wanted = new Set(measurements)
  const lines: string[] = []
  const reader = readLogs(logDir, { measurements: [...wanted], onBadLine: (bad) => lines.push(`BAD LINE ${bad.file}:${bad.line}: ${bad.reason}`) })
  for await (const { record } of reader) lines.push(encodeLineProtocol(record))
  return lines
}

const canonical = (time: bigint, values: Record<string, unknown>): string =>
  `${time} ${Object.keys(values)
    .sort()
    .map((k) => `${k}=${JSON.stringify(values[k])}`)
    .join(' ')}`

/** The canonical text of a line-protocol point. */
export function canonicalOfLine(line: string): string {
  const record: InfluxRecord = decodeLineProtocol(line)
  const values: Record<string, unknown> = { ...record.tags }
  for (const [name, field] of Object.entries(record.fields)) values[name] = typeof field.value === 'bigint' ? Number(field.value) : field.value
  return canonical(record.timestamp, values)
}

const quoteIdent = (name: string) => `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`

/** Every point of a measurement on the server, canonical, sorted. */
export async function serverPoints(influx: InfluxDB1Server, measurement: string): Promise<string[]> {
  const body = JSON.parse(await influx.queryText(`SELECT * FROM ${quoteIdent(measurement)}`, { db: influx.database })) as {
    results: { series?: { columns: string[]; values: unknown[][] }[]; error?: string }[]
  }
  const result = body.results[0]
  if (result?.error !== undefined) throw new Error(`InfluxQL on ${measurement}: ${result.error}`)
  const points: string[] = []
  for (const series of result?.series ?? []) {
    for (const row of series.values) {
      const values: Record<string, unknown> = {}
      let time = 0n
      series.columns.forEach((column, i) => {
        if (column === 'time') time = parseRfc3339(row[i] as string)
        else if (row[i] !== null) values[column] = row[i]
      })
      points.push(canonical(time, values))
    }
  }
  return points.sort()
}

/** What must be on the server for `lines`, grouped by measurement, sorted (as serverPoints gives). */
export function expectedServerPoints(lines: readonly string[]): Map<string, string[]> {
  const byMeasurement = new Map<string, string[]>()
  for (const measurement of measurementsOf(lines)) byMeasurement.set(measurement, [])
  for (const line of lines) byMeasurement.get(measurementsOf([line])[0]!)!.push(canonicalOfLine(line))
  for (const points of byMeasurement.values()) points.sort()
  return byMeasurement
}
