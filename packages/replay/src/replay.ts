import type { EHTConfig } from '@eht-influx-client/config'
import { listLogFiles, READING_STOPPED, type BadLine, type LogFormat } from '@eht-influx-client/logfile'
import type { LineSink } from '@eht-influx-client/writer'
import { BadLineLog } from './bad-line-log.js'
import { LinePrinter, type OutputStream } from './dry-run-output.js'
import { ReplayOptionsError } from './errors.js'
import { inputSizes } from './input-size.js'
import { openFeeds } from './open-feeds.js'
import { ProgressMeter, type ReplayProgress } from './progress.js'
import { RateLimiter, type RateLimit } from './rate-limiter.js'
import { ReadPipeline } from './read-pipeline.js'
import { chooseServers } from './server-choice.js'
import type { ServerFeed, ServerSummary } from './server-feed.js'
import { checkRange, toNs, type TimeBound } from './time-bound.js'

export interface ReplayOptions {
  config: EHTConfig
  /** Logfiles, directories (searched recursively) and globs; JSONL, CSV or LP, plain or .gz. */
  inputs: string | readonly string[]
  /** Names of the servers to send to (disabled ones too when named); default every enabled server. */
  servers?: readonly string[]
  /** Only points at or after this time. */
  since?: TimeBound
  /** Only points before this time. */
  until?: TimeBound
  /** Only these measurements. */
  measurements?: readonly string[]
  /** For files whose extension does not tell (default: from the extension). */
  format?: LogFormat
  /** Print the line protocol that would be sent to `output`; send nothing, touch no checkpoint, write no errors file (bad lines are still counted and reported). */
  dryRun?: boolean
  /** Where a dry run prints (default process.stdout). */
  output?: OutputStream
  /** Most points and/or bytes per second, per server. */
  rateLimit?: RateLimit
  /** Continue from the checkpoints of an earlier run of the same selection (default true); false starts over. */
  resume?: boolean
  onProgress?: (progress: ReplayProgress) => void
  /** Each bad input line (also written to the errors file, except in a dry run). */
  onBadLine?: (bad: BadLine) => void
  /** Where report lines go (default process.stderr), as `[errors] stderr` says. */
  stderr?: LineSink
  /** Stops reading; what was handed over is still delivered and checkpointed. */
  signal?: AbortSignal
}

/**
 * What a replay did. A replay that fails part way rejects with its error
 * carrying this as a non-enumerable `summary` property (see withSummary).
 */
export interface ReplaySummary {
  /** Input files read. */
  files: number
  /** Bytes of input (decompressed). */
  bytes: number
  /** Points read (after since / until / measurements). */
  read: number
  /** Points left out by since / until / measurements. */
  filtered: number
  /** Bad input lines skipped (listed in the errors file). */
  badLines: number
  dryRun: boolean
  /** Lines printed by a dry run. */
  printed: number
  /** True when `signal` stopped the replay, or every server stopped taking points. */
  stoppedEarly: boolean
  durationMs: number
  servers: Record<string, ServerSummary>
  warnings: string[]
}

function checkOptions(options: ReplayOptions): void {
  if (typeof options !== 'object' || options === null || typeof options.config !== 'object' || options.config === null) {
    throw new ReplayOptionsError('replay() needs { config, inputs }: config as loadConfig() returns it', 'config')
  }
  const inputs = typeof options.inputs === 'string' ? [options.inputs] : options.inputs
  if (!Array.isArray(inputs) || inputs.length === 0 || inputs.some((i) => typeof i !== 'string' || i === '')) {
    throw new ReplayOptionsError('inputs must name at least one logfile, directory or glob', 'inputs')
  }
  const m = options.measurements
  if (m !== undefined && (!Array.isArray(m) || m.some((x) => typeof x !== 'string' || x === ''))) {
    throw new ReplayOptionsError('measurements must be an array of measurement names', 'measurements')
  }
  if (options.rateLimit !== undefined) new RateLimiter(options.rateLimit)
  // Checked by its shape (an AbortSignal of another realm passes), before anything is locked or opened.
  const signal = options.signal as Partial<AbortSignal> | null | undefined
  if (signal !== undefined && (typeof signal !== 'object' || signal === null || typeof signal.aborted !== 'boolean' || typeof signal.addEventListener !== 'function' || typeof signal.removeEventListener !== 'function')) {
    throw new ReplayOptionsError(`signal must be an AbortSignal (an AbortController's signal), not ${signal === null ? 'null' : typeof signal === 'object' ? 'an object without aborted, addEventListener and removeEventListener' : typeof signal}`, 'signal')
  }
}

/**
 * Re-sends logged points to every enabled server (or the named ones) through
 * the writer's delivery path, in the files' time order, resuming from the
 * per-server checkpoints beside the spool. Each server gets a reader of its
 * own (see ReadPipeline): a dead server never holds up another. See the
 * README for the details.
 */
export async function replay(options: ReplayOptions): Promise<ReplaySummary> {
  const started = performance.now()
  checkOptions(options)
  const { config, dryRun = false, signal } = options
  const since = toNs(options.since, 'since')
  const until = toNs(options.until, 'until')
  checkRange(since, until)
  const servers = dryRun && options.servers === undefined ? [] : chooseServers(config, options.servers)
  const files = await listLogFiles(options.inputs)
  const warnings = files.length === 0 ? [`no logfile matches ${JSON.stringify(options.inputs)}`] : []
  const sizes = await inputSizes(files)
  const meter = new ProgressMeter(sizes.reduce((a, b) => a + b, 0), options.onProgress)
  const { feeds, warnings: leftovers, close } = dryRun
    ? { feeds: [] as ServerFeed[], warnings: [], close: async (): Promise<unknown[]> => [] }
    : await openFeeds({ config, servers, since, until, measurements: options.measurements, resume: options.resume !== false, rateLimit: options.rateLimit, stderr: options.stderr, onAccepted: (n) => meter.sent(n) })
  warnings.push(...leftovers)
  // From here on, whatever throws, the deliveries are closed and the checkpoints' locks let go (close() runs once:
  // where the replay got to its end, this finally finds it done).
  try {
    return await feedServers()
  } finally {
    await close()
  }

  async function feedServers(): Promise<ReplaySummary> {
    // Before anything is read or skipped: a file replaced or truncated at a checkpointed path starts over.
    const restarts = new Map<string, { reason: string; servers: string[] }>()
    for (const feed of feeds) {
      for (const { file, reason } of await feed.verifyCheckpoints(files)) {
        const entry = restarts.get(file) ?? { reason, servers: [] }
        entry.servers.push(feed.name)
        restarts.set(file, entry)
      }
    }
    for (const [file, { reason, servers: names }] of restarts) {
      warnings.push(`${file}: the checkpoint of server${names.length > 1 ? 's' : ''} ${names.map((n) => `"${n}"`).join(', ')} does not match this file any more (${reason}): it was replaced, truncated or rewritten since the last replay, so it is replayed from its start`)
    }
    // A dry run leaves no trace in the files a station uses: its bad lines are counted and reported, not written to the errors file.
    const badLines = new BadLineLog(config.errors, options.stderr, options.onBadLine, !dryRun)
    const printer = dryRun ? new LinePrinter(options.output ?? process.stdout) : undefined
    /** Per file: the last bad line reported in this run. */
    const reported = new Map<string, number>()
    /** Files whose reading stopped at broken data (a truncated .gz): read only up to their last point. */
    const readStopped = new Set<string>()
    // The first reader to meet a bad line reports it. Every reader meets a file's bad lines in the order of
    // their numbers, which appending does not change (a count would: a line still being written is bad for a
    // reader that comes early, good for a later one).
    const onBadLine = (bad: BadLine) => {
      if (bad.line <= (reported.get(bad.file) ?? 0)) return
      reported.set(bad.file, bad.line)
      if (bad.reason.startsWith(READING_STOPPED)) readStopped.add(bad.file)
      // A bad line every server's checkpoint is past was reported by an earlier run.
      if (feeds.length > 0 && feeds.every((f) => f.checkpointLine(bad.file) >= bad.line)) return
      badLines.report(bad)
    }
    let failure: { error: unknown } | undefined
    const stopping = () => signal?.aborted === true || failure !== undefined
    const abortFeeds = () => {
      for (const feed of feeds) feed.abort()
    }
    const read = { since, until, ...(options.measurements === undefined ? {} : { measurements: options.measurements }), ...(options.format === undefined ? {} : { format: options.format }) }
    // One pipeline per server; a dry run (or a replay to no server) reads once.
    const pipelines = (feeds.length > 0 ? feeds : [undefined]).map((feed) => new ReadPipeline({ files, read, onBadLine, feed, printer, meter, stopping }))
    try {
      signal?.addEventListener('abort', abortFeeds, { once: true })
      if (signal?.aborted === true) abortFeeds()
      meter.start()
      await Promise.all(
        pipelines.map((pipeline) =>
          pipeline.run().catch((error: unknown) => {
            // The others stop promptly too, and the first failure is thrown once they have.
            failure ??= { error }
            abortFeeds()
          }),
        ),
      )
    } finally {
      signal?.removeEventListener('abort', abortFeeds)
      meter.halt()
      // Deliveries closed, the last checkpoint writes made (those of a server whose reader failed too), locks let go.
      // What failed there does not hide the replay's own error: it becomes a warning of its summary.
      for (const error of await close()) {
        if (failure === undefined) failure = { error }
        else warnings.push(`after the replay failed, closing it failed too: ${error instanceof Error ? error.message : String(error)}`)
      }
      const failed = await badLines.close()
      if (failed !== undefined) warnings.push(failed)
    }
    const stoppedEarly = failure !== undefined || pipelines.some((p) => p.stoppedEarly) || feeds.some((f) => f.stopped)
    // A reader that read everything read each file whole (a file cut short by broken data: up to its last point).
    if (pipelines.some((p) => p.exhausted)) meter.finish(files.reduce((sum, file, i) => sum + (readStopped.has(file) ? meter.offsetOf(file) : Math.max(sizes[i]!, meter.offsetOf(file))), 0))
    else meter.stop()
    // The furthest reader's counts (each reader counts the same points; a reader that failed before opening counts none).
    const stats = pipelines.map((p) => p.counter.stats ?? { records: 0, filtered: 0 }).reduce((a, b) => (b.records + b.filtered > a.records + a.filtered ? b : a))
    const summary: ReplaySummary = {
      files: files.length,
      bytes: meter.bytesRead,
      read: stats.records,
      filtered: stats.filtered,
      badLines: badLines.count,
      dryRun,
      printed: printer?.printed ?? 0,
      stoppedEarly,
      durationMs: Math.round(performance.now() - started),
      servers: Object.fromEntries(feeds.map((f) => [f.name, f.summary])),
      warnings,
    }
    if (failure !== undefined) throw withSummary(failure.error, summary)
    return summary
  }
}

/**
 * A replay that failed part way (a checkpoint that could not be written, disk
 * full...) throws its error with what was done up to then as `summary` (not
 * enumerable, so printing the error does not print it): per server, what was
 * sent, accepted, rejected, spooled, which tells the user what the next replay
 * will send again. Left out where the error is not an object that takes it.
 */
function withSummary(error: unknown, summary: ReplaySummary): unknown {
  if (typeof error === 'object' && error !== null && Object.isExtensible(error) && !Object.hasOwn(error, 'summary')) {
    Object.defineProperty(error, 'summary', { value: summary, writable: true, configurable: true, enumerable: false })
  }
  return error
}
