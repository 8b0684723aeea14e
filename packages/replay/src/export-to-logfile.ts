import fs from 'node:fs'
import path from 'node:path'
import type { EHTConfig } from '@eht-influx-client/config'
import { formatFromPath, type InfluxRecord, isGzipPath, type LogFormat, openLogWriter, validateRecord } from '@eht-influx-client/logfile'
import { callSafely } from '@eht-influx-client/writer'
import { isSignal, throwIfAborted } from './abort.js'
import { ExportOutputError, ReplayOptionsError } from './errors.js'
import type { ExportSource, FieldTypeConflict } from './export-source.js'
import { WindowPlanner } from './export-window.js'
import { openGzipOutput, type ExportWriter } from './gzip-output.js'
import { FluxSource } from './flux-source.js'
import { InfluxQLSource } from './influxql-source.js'
import { sortRecords } from './record-order.js'
import { findServer } from './server-choice.js'
import { checkRange, toNs, type TimeBound } from './time-bound.js'

export interface ExportOptions {
  config: EHTConfig
  /** Name of the server to read (a [server.<name>] section; may be disabled). */
  server: string
  /** Only these measurements (default: all). */
  measurements?: readonly string[]
  /** Start of the time range (inclusive). */
  since: TimeBound
  /** End of the time range (exclusive). */
  until: TimeBound
  /** The logfile to write; it must not exist yet (or be empty). A name ending in `.gz` is written gzip-compressed. */
  output: string
  /** Write gzip (default: when `output` ends in `.gz`, in any case), e.g. for a temporary name of a `.gz` output. */
  gzip?: boolean
  /** Default: from the output's extension (.jsonl, .csv, .lp), else jsonl. */
  format?: LogFormat
  /** Points per query window aimed at (default 50000); memory grows with it. */
  windowPoints?: number
  onProgress?: (progress: ExportProgress) => void
  /**
   * Stops the export promptly (the query in flight is cut off): it rejects with
   * a ReplayAbortError (`name` "AbortError"); the output keeps the windows
   * written before, in whole lines, and is closed.
   */
  signal?: AbortSignal
}

export interface ExportProgress {
  /** Points written so far. */
  points: number
  /** Everything before this time (ns) is written. */
  reached: bigint
  /** Share of the time range done, 0 to 1. */
  fraction: number
}

export interface ExportSummary {
  server: string
  output: string
  format: LogFormat
  points: number
  /** Points the server holds but a logfile cannot (e.g. a backslash before a quote in a name): not written. */
  skipped: number
  /** Why points were skipped (at most 10), each naming the series (measurement and tags) and time. */
  skippedReasons: string[]
  /** Measurements asked for (`measurements`) that the server does not have: nothing exported for them. */
  unknownMeasurements: string[]
  /**
   * Fields a v1 server holds with several types (one per shard): their
   * measurements were NOT exported (InfluxQL would answer only one type).
   */
  conflicts: FieldTypeConflict[]
  /** One message per unknown measurement and per measurement left out; any of them means the export is not complete. */
  warnings: string[]
  /** Query windows read. */
  windows: number
  /** Requests made to the server. */
  queries: number
  durationMs: number
}


/** Refuses an output that exists and is not an empty file, before anything is read. */
async function checkOutput(file: string): Promise<void> {
  const stat = await fs.promises.stat(file).catch(() => undefined)
  if (stat !== undefined && (!stat.isFile() || stat.size > 0)) {
    throw new ExportOutputError(`output ${file} already exists${stat.isFile() ? ' and is not empty' : ' and is not a file'}; choose a new file name (an export never appends to or overwrites a logfile)`, file)
  }
}

async function openOutput(file: string, format: LogFormat): Promise<ExportWriter> {
  try {
    // A literal path: % is not a strftime field here.
    return await openLogWriter({ path: file.replace(/%/g, '%%'), format, rotate: { kind: 'none' }, fsync: 'never', flushIntervalMs: 1000 })
  } catch (error) {
    throw new ExportOutputError(`cannot write output ${file}: ${(error as Error).message}`, file, { cause: error })
  }
}

function checkExportOptions(options: ExportOptions): { since: bigint; until: bigint; format: LogFormat; target: number } {
  if (typeof options !== 'object' || options === null || typeof options.config !== 'object' || options.config === null) {
    throw new ReplayOptionsError('exportToLogfile() needs { config, server, since, until, output }', 'config')
  }
  if (typeof options.output !== 'string' || options.output === '') throw new ReplayOptionsError('output must name the logfile to write', 'output')
  const since = toNs(options.since, 'since')
  const until = toNs(options.until, 'until')
  if (since === undefined || until === undefined) throw new ReplayOptionsError(`${since === undefined ? 'since' : 'until'} is required: the time range to export`, since === undefined ? 'since' : 'until')
  checkRange(since, until)
  const m = options.measurements
  if (m !== undefined && (!Array.isArray(m) || m.length === 0 || m.some((x) => typeof x !== 'string' || x === ''))) {
    throw new ReplayOptionsError('measurements must be a non-empty array of measurement names (leave it out for all)', 'measurements')
  }
  const format = options.format ?? formatFromPath(options.output) ?? 'jsonl'
  if (!['jsonl', 'csv', 'lp'].includes(format)) throw new ReplayOptionsError(`format must be jsonl, csv or lp, got ${JSON.stringify(format)}`, 'format')
  const target = options.windowPoints ?? 50_000
  if (!Number.isSafeInteger(target) || target < 1) throw new ReplayOptionsError(`windowPoints must be a whole number >= 1, got ${String(target)}`, 'windowPoints')
  if (options.gzip !== undefined && typeof options.gzip !== 'boolean') throw new ReplayOptionsError(`gzip must be a boolean, got ${typeof options.gzip}`, 'gzip')
  if (!isSignal(options.signal)) throw new ReplayOptionsError('signal must be an AbortSignal', 'signal')
  return { since, until, format, target }
}

/** The records a logfile can hold; the others are counted with their reason. */
function keepWritable(records: InfluxRecord[], skipped: { count: number; reasons: string[] }): InfluxRecord[] {
  return records.filter((record) => {
    try {
      validateRecord(record)
      return true
    } catch (error) {
      skipped.count++
      // The series too: a time alone does not find the point among the server's series.
      const tags = Object.keys(record.tags).length === 0 ? 'no tags' : `tags ${JSON.stringify(record.tags)}`
      const reason = `point of measurement ${JSON.stringify(record.measurement)}, ${tags} at ${record.timestamp} ns: ${(error as Error).message}`
      if (skipped.reasons.length < 10) skipped.reasons.push(reason)
      return false
    }
  })
}

/**
 * Reads a server back into a logfile, streaming in time windows (each sorted
 * by time, then measurement and tags), field types kept: v1 servers through
 * InfluxQL, v2 servers through Flux.
 */
export async function exportToLogfile(options: ExportOptions): Promise<ExportSummary> {
  const started = performance.now()
  const { since, until, format, target } = checkExportOptions(options)
  const server = findServer(options.config, options.server, 'server')
  const { signal } = options
  throwIfAborted(signal, 'the export')
  const file = path.resolve(options.output)
  await checkOutput(file)
  const gzip = options.gzip ?? isGzipPath(file)
  const writer = gzip ? await openGzipOutput(file, format) : await openOutput(file, format)
  const source: ExportSource = server.api === 'v1' ? new InfluxQLSource(server) : new FluxSource(server)
  const planner = new WindowPlanner(since, until, target)
  const cap = target * 4
  let points = 0
  let windows = 0
  const skipped = { count: 0, reasons: [] as string[] }
  let plan = { measurements: options.measurements, unknown: [] as string[], conflicts: [] as FieldTypeConflict[], warnings: [] as string[] }
  let failed = true
  try {
    if (source.plan !== undefined) plan = await source.plan(options.measurements, signal)
    // Nothing left to read (every measurement unknown or left out): no window is queried.
    const none = plan.measurements !== undefined && plan.measurements.length === 0
    for (let window = none ? undefined : planner.next(); window !== undefined; window = planner.next()) {
      const records = await source.read(plan.measurements, window.from, window.to, window.capped ? cap : Number.POSITIVE_INFINITY, signal)
      if (records === undefined) {
        planner.tooMany()
        continue
      }
      windows++
      planner.done(records.length)
      const writable = keepWritable(records, skipped)
      // A window is written whole or not at all: an abort while it was read leaves it out.
      throwIfAborted(signal, 'the export')
      if (writable.length > 0) await writer.append(sortRecords(writable))
      points += writable.length
      // The caller's callback must not stop the export (a throw, or an async callback that rejects).
      callSafely(options.onProgress, { points, reached: window.to, fraction: Number(((window.to - since) * 10_000n) / (until - since)) / 10_000 })
    }
    failed = false
  } finally {
    source.close()
    // After a failure the output keeps the windows written before (a gzip output is ended, so they read back);
    // a failure to close it then must not hide the first error.
    if (failed) await writer.close().catch(() => {})
    else await writer.close()
  }
  return { server: server.name, output: file, format, points, skipped: skipped.count, skippedReasons: skipped.reasons, unknownMeasurements: plan.unknown, conflicts: plan.conflicts, warnings: plan.warnings, windows, queries: source.queries, durationMs: Math.round(performance.now() - started) }
}
