// Counting for bench/soak.mjs: every point is a key (measurement, tags, time
// in ms), so "in the server" means distinct points, whatever re-sends did.
import fs from 'node:fs'
import path from 'node:path'
import { readLogs } from '@eht-influx-client/logfile'

/** Measurement -> the field every one of its points has (what the servers are counted by). */
export const countedField = { pps_offset: 'pps_offset', weather: 'temperature', maser: 'maser_temp', tsys: 'tsys', recorder: 'rate' }

/** The key of a point: measurement, its non-empty tags sorted, and its time in ms. */
export function pointKey(measurement, tags, ms) {
  const t = Object.keys(tags)
    .filter((k) => tags[k] !== '' && tags[k] !== undefined)
    .sort()
    .map((k) => `${k}=${tags[k]}`)
  return `${measurement},${t.join(',')}|${ms}`
}

/** The keys the station wrote (one per line); `duplicates` counts keys written twice (there should be none). */
export function readSentKeys(file) {
  const keys = new Set()
  let lines = 0
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (line === '') continue
    lines++
    keys.add(line)
  }
  return { keys, duplicates: lines - keys.size }
}

/** Distinct points in an InfluxDB 1.x database (read straight from the server, chunked, times in ms). */
export async function influxKeys(server, database) {
  const keys = new Set()
  for (const [measurement, field] of Object.entries(countedField)) {
    const q = `SELECT "${field}" FROM "${measurement}" GROUP BY *`
    const res = await fetch(`${server.url}/query?${new URLSearchParams({ db: database, q, epoch: 'ms', chunked: 'true', chunk_size: '20000' })}`)
    const text = await res.text()
    if (!res.ok) throw new Error(`InfluxDB query ${q} failed: HTTP ${res.status} ${text.slice(0, 300)}`)
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue
      const body = JSON.parse(line)
      const failed = body.error ?? body.results?.find((r) => r.error)?.error
      if (failed !== undefined) throw new Error(`InfluxDB query ${q} failed: ${failed}`)
      for (const result of body.results ?? []) {
        for (const series of result.series ?? []) {
          for (const row of series.values) if (row[1] !== null) keys.add(pointKey(measurement, series.tags ?? {}, row[0]))
        }
      }
    }
  }
  return keys
}

/**
 * Distinct points in VictoriaMetrics: a field f of measurement m is the metric m_f;
 * a point is a distinct (series, timestamp) of the counted field's metric. The
 * `db` label VictoriaMetrics may add is not a tag of ours.
 */
export async function victoriaKeys(server) {
  const byMetric = new Map(Object.entries(countedField).map(([m, f]) => [`${m}_${f}`, m]))
  const series = await server.export(`{__name__=~"${[...byMetric.keys()].join('|')}"}`)
  const keys = new Set()
  for (const s of series) {
    const { __name__: name, db: _db, ...tags } = s.metric
    const measurement = byMetric.get(name)
    if (measurement === undefined) continue
    for (const ms of s.timestamps) keys.add(pointKey(measurement, tags, ms))
  }
  return keys
}

/** Every file below `dir` (none when it does not exist). */
function filesBelow(dir) {
  if (!fs.existsSync(dir)) return []
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath ?? e.path, e.name))
}

/**
 * Keys of the records in logfiles or spool files below `dir`; spool files are
 * line protocol, also a `.lp.open` one a writer did not seal. Torn lines are counted, not read.
 */
export async function fileKeys(dir, format) {
  const files = filesBelow(dir).filter((f) => (format === 'lp' ? /\.lp(\.open)?$/.test(f) : f.endsWith(`.${format}`)))
  const keys = new Set()
  let records = 0
  let badLines = 0
  let openFiles = 0
  let subMs = 0
  for (const file of files) {
    if (file.endsWith('.open')) openFiles++
    for await (const { record } of readLogs([file], { format, onBadLine: () => badLines++ })) {
      records++
      if (record.timestamp % 1_000_000n !== 0n) subMs++
      keys.add(pointKey(record.measurement, record.tags, record.timestamp / 1_000_000n))
    }
  }
  return { keys, records, badLines, files: files.length, openFiles, subMs }
}

/** Lines of the errors file (points a server rejected for good). */
export function errorLines(file) {
  if (!fs.existsSync(file)) return 0
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').length
}

/** |a ∩ b| and |a \ b| without building new sets. */
export function overlap(a, b) {
  let both = 0
  for (const k of a) if (b.has(k)) both++
  return { both, only: a.size - both }
}
