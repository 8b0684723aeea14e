import fs from 'node:fs'
import path from 'node:path'
import { readLogFile, readLogs, type BadLine, type InfluxRecord } from '@eht-influx-client/logfile'
import type { VictoriaMetricsServer } from '@eht-influx-client/test-support'

export interface ReadBack {
  records: InfluxRecord[]
  badLines: BadLine[]
  files: string[]
}

/** Every record of the logfiles under `inputs`, read with the logfile package's reader (bad lines collected, not thrown). */
export async function readLogRecords(inputs: string | string[]): Promise<ReadBack> {
  const records: InfluxRecord[] = []
  const badLines: BadLine[] = []
  const files = new Set<string>()
  for await (const item of readLogs(inputs, { onBadLine: (bad) => badLines.push(bad) })) {
    records.push(item.record)
    files.add(item.file)
  }
  return { records, badLines, files: [...files] }
}

/** Every spool file under `spoolDir` (sealed `.lp` and `.lp.open` left by a dead process), recursively. */
export function spoolFiles(spoolDir: string): string[] {
  if (!fs.existsSync(spoolDir)) return []
  return (fs.readdirSync(spoolDir, { recursive: true }) as string[])
    .map((name) => path.join(spoolDir, name))
    .filter((file) => /\.lp(\.open)?$/.test(file) && fs.statSync(file).isFile())
    .sort()
}

/** The records of every spool file (line protocol), read with the logfile reader. */
export async function readSpoolRecords(spoolDir: string): Promise<ReadBack> {
  const records: InfluxRecord[] = []
  const badLines: BadLine[] = []
  const files = spoolFiles(spoolDir)
  for (const file of files) {
    for await (const item of readLogFile(file, { format: 'lp', onBadLine: (bad) => badLines.push(bad) })) records.push(item.record)
  }
  return { records, badLines, files }
}

export interface VmCount {
  /** Every sample stored (a batch stored twice counts twice: VictoriaMetrics does not deduplicate by default). */
  samples: number
  /** Distinct (series, millisecond) pairs: the points, however often each was stored. */
  distinct: number
  /** `series labels@timestamp ms` of each distinct sample. */
  keys: Set<string>
}

/** Reads one metric back through /api/v1/export and counts distinct timestamps per series. */
export async function vmCount(vm: VictoriaMetricsServer, metric: string): Promise<VmCount> {
  const series = await vm.export(`{__name__="${metric}"}`)
  const keys = new Set<string>()
  let samples = 0
  for (const s of series) {
    const labels = Object.entries(s.metric)
      .filter(([k]) => k !== '__name__')
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}=${v}`)
      .join(',')
    samples += s.timestamps.length
    for (const t of s.timestamps) keys.add(`${labels}@${t}`)
  }
  return { samples, distinct: keys.size, keys }
}

/** Distinct points of `measurement` in InfluxDB 1.x as `measurement@<ns>` keys (read with epoch=ns as text, so no ns is rounded). */
export async function influxKeys(server: { queryText(q: string, params?: Record<string, string>): Promise<string>; database: string }, measurement: string): Promise<Set<string>> {
  const text = await server.queryText(`SELECT "value" FROM "${measurement}"`, { db: server.database, epoch: 'ns', chunked: 'true', chunk_size: '10000' })
  const keys = new Set<string>()
  for (const match of text.matchAll(/\[(\d+),/g)) keys.add(`${measurement}@${match[1]}`)
  return keys
}
