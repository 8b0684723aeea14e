import type { EHTConfig } from '@eht-influx-client/config'
import { encodeLineProtocol, listLogFiles, readLogs, type BadLine, type LogFormat } from '@eht-influx-client/logfile'
import type { LineSink } from '@eht-influx-client/writer'
import { BadLineLog } from './bad-line-log.js'
import { LinePrinter, type OutputStream } from './dry-run-output.js'
import { ReplayOptionsError } from './errors.js'
import { inputBytes } from './input-size.js'
import { openFeeds } from './open-feeds.js'
import { ProgressMeter, type ReplayProgress } from './progress.js'
import { RateLimiter, type RateLimit } from './rate-limiter.js'
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
  /** Print the line protocol that would be sent to `output`; send nothing, touch no checkpoint. */
  dryRun?: boolean
  /** Where a dry run prints (default process.stdout). */
  output?: OutputStream
  /** Most points and/or bytes per second, per server. */
  rateLimit?: RateLimit
  /** Continue from the checkpoints of an earlier run of the same selection (default true); false starts over. */
  resume?: boolean
  onProgress?: (progress: ReplayProgress) => void
  /** Each bad input line (also written to the errors file). */
  onBadLine?: (bad: BadLine) => void
  /** Where report lines go (default process.stderr), as `[errors] stderr` says. */
  stderr?: LineSink
  /** Stops reading; what was handed over is still delivered and checkpointed. */
  signal?: AbortSignal
}

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
}

/**
 * Re-sends logged points to every enabled server (or the named ones) through
 * the writer's delivery path, in the files' time order, resuming from the
 * per-server checkpoints beside the spool. See the README for the details.
 */
export async function replay(options: ReplayOptions): Promise<ReplaySummary> {
  const started = Date.now()
  checkOptions(options)
  const { config, dryRun = false } = options
  const since = toNs(options.since, 'since')
  const until = toNs(options.until, 'until')
  checkRange(since, until)
  const servers = dryRun && options.servers === undefined ? [] : chooseServers(config, options.servers)
  const files = await listLogFiles(options.inputs)
  const warnings = files.length === 0 ? [`no logfile matches ${JSON.stringify(options.inputs)}`] : []
  const meter = new ProgressMeter(await inputBytes(files), options.onProgress)
  const { feeds, close } = dryRun
    ? { feeds: [] as ServerFeed[], close: async () => {} }
    : await openFeeds({ config, servers, since, until, measurements: options.measurements, resume: options.resume !== false, rateLimit: options.rateLimit, stderr: options.stderr, onAccepted: (n) => meter.sent(n) })
  const badLines = new BadLineLog(config.errors, options.stderr, options.onBadLine)
  const printer = dryRun ? new LinePrinter(options.output ?? process.stdout) : undefined
  // A bad line every server's checkpoint is past was reported by an earlier run.
  const onBadLine = (bad: BadLine) => {
    if (feeds.length > 0 && feeds.every((f) => f.checkpointLine(bad.file) >= bad.line)) return
    badLines.report(bad)
  }
  // lineProtocol: JSONL lines of a known shape are transcoded without building a record; floatsAsWritten:
  // a float is sent as the logfile writes it (a server parses it to the same double) without checking it is JS's text.
  const reader = readLogs(files, { since, until, lineProtocol: true, floatsAsWritten: true, ...(options.measurements === undefined ? {} : { measurements: options.measurements }), ...(options.format === undefined ? {} : { format: options.format }), onBadLine })
  let stoppedEarly = false
  let completed = false
  // The items of a chunk already read come from ready() without a promise each; next() is awaited only between chunks.
  const items = reader[Symbol.asyncIterator]()
  let exhausted = false
  // Something takes the points: the servers' feeds, or a dry run's printer.
  const taking = printer !== undefined || feeds.length > 0
  try {
    for (;;) {
      // Points transcoded straight from the bytes read come as runs: one string for many points. A dry run
      // prints them as they would be sent (the same runs, so the same text).
      const run = taking ? items.readyRun() : undefined
      if (run !== undefined) {
        meter.read(run.file, run.endOffsets[run.count - 1]!, run.count)
        if (printer !== undefined) {
          const wait = printer.printRun(run)
          if (wait !== undefined) await wait
          meter.sent(run.count)
        }
        for (const feed of feeds) {
          if (feed.stopped) continue
          const wait = feed.addRun(run)
          if (wait !== undefined) await wait
        }
        meter.tick()
        if (options.signal?.aborted === true || (feeds.length > 0 && feeds.every((f) => f.stopped))) {
          stoppedEarly = true
          break
        }
        continue
      }
      let item = items.ready()
      // The next chunk read without taking an item from it: its first points come as a run too.
      if (item === undefined && taking && (await items.nextChunk())) continue
      if (item === undefined) {
        const next = await items.next()
        if (next.done === true) {
          exhausted = true
          break
        }
        item = next.value
      }
      meter.read(item.file, item.endOffset)
      let line: string | undefined
      if (printer !== undefined) {
        const wait = printer.print((line = item.lineProtocol ?? encodeLineProtocol(item.record)))
        if (wait !== undefined) await wait
        meter.sent(1)
      }
      let taken = false
      for (const feed of feeds) {
        if (feed.stopped || feed.skips(item.file, item.endOffset)) continue
        line ??= item.lineProtocol ?? encodeLineProtocol(item.record)
        taken = true
        const wait = feed.add(line, item.file, item.endOffset, item.line)
        if (wait !== undefined) await wait
      }
      meter.tick()
      // No server took this point: perhaps because every one has stopped taking points.
      if (options.signal?.aborted === true || (!taken && feeds.length > 0 && feeds.every((f) => f.stopped))) {
        stoppedEarly = true
        break
      }
    }
    // As a for-await loop does when left early: the reader closes its file.
    if (!exhausted) {
      exhausted = true
      await items.return?.()
    }
    await printer?.flush()
    for (const feed of feeds) await feed.finish()
    completed = true
  } finally {
    if (!exhausted) await items.return?.().catch(() => undefined)
    await close()
    const failure = await badLines.close()
    if (failure !== undefined) warnings.push(failure)
  }
  if (completed) stoppedEarly ||= feeds.some((f) => f.stopped)
  if (stoppedEarly) meter.stop()
  else meter.finish()
  return {
    files: files.length,
    bytes: meter.bytesRead,
    read: reader.stats.records,
    filtered: reader.stats.filtered,
    badLines: badLines.count,
    dryRun,
    printed: printer?.printed ?? 0,
    stoppedEarly,
    durationMs: Date.now() - started,
    servers: Object.fromEntries(feeds.map((f) => [f.name, f.summary])),
    warnings,
  }
}

