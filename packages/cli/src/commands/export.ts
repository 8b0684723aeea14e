import fs from 'node:fs'
import path from 'node:path'
import { Option, type Command } from 'commander'
import type { EHTConfig, ServerConfig } from '@eht-influx-client/config'
import type { LogFormat } from '@eht-influx-client/logfile'
import type { ExportSummary } from '@eht-influx-client/replay'
import type { CommandContext, CommandResult } from '../command.js'
import { OutputError, UsageError } from '../errors.js'
import { formatDuration, formatPoints } from '../format.js'
import { renameDurably } from '../file-sink.js'
import { reportingLibraryErrors } from '../library-errors.js'
import { PROGRAM_NAME } from '../output.js'
import { partialPath, removeDeadPartials } from '../partial-file.js'
import { collect } from '../option-values.js'
import { serverOption } from '../server-option.js'
import { parseTimeRange } from '../time-option.js'

/** "All time": InfluxDB's range of timestamps (1677-09-21 to 2262-04-11), the end exclusive. */
export const ALL_TIME = { since: -9_223_372_036_854_775_806n, until: 9_223_372_036_854_775_807n }

export function configure(command: Command): void {
  command
    .requiredOption('-o, --output <path>', 'logfile to write (.jsonl, .csv or .lp, each optionally .gz; a new file)')
    .option('--server <name>', 'the server to read (default: the only one configured)')
    .option('--measurement <name>', 'only this measurement (repeatable; default: all)', collect)
    .option('--since <time>', 'from this time on (RFC 3339, a date, integer ns, or a duration ago: 6h, 7d; default: the beginning)')
    .option('--until <time>', 'up to this time, exclusive (default: the end of time)')
    .addOption(new Option('--format <format>', 'format of the output (default: from its extension, else jsonl)').choices(['jsonl', 'csv', 'lp']))
    .option('-f, --force', 'replace the output file if it exists')
    .addHelpText(
      'after',
      `
Reads a server back into a logfile, field types kept, in time windows (memory
stays bounded), each window in time order: a v1 server through InfluxQL, a v2
server through Flux. The output appears only when complete (Ctrl-C leaves
nothing half-written); a name ending in .gz is written gzip-compressed.
Exit 1 if some points could not be written to a logfile, a --measurement is
not on the server, or a measurement was left out because a field of it has
several types in different shards (InfluxQL would answer only one of them).

Examples:
  $ ${PROGRAM_NAME} export --server local -o station-dump.jsonl
  $ ${PROGRAM_NAME} export --server cloud --measurement pps_offset --since 7d -o pps.lp`,
    )
}

function chooseServer(config: EHTConfig, name: unknown): ServerConfig {
  const known = config.servers.map((s) => s.name).join(', ') || 'none'
  if (typeof name === 'string') {
    return serverOption(config, name)
  }
  if (config.servers.length === 1) return config.servers[0]!
  throw new UsageError(`say which server to export with --server (${config.servers.length === 0 ? `${config.source ?? 'the configuration'} has none` : `known: ${known}`})`)
}

export async function run(context: CommandContext, _args: readonly unknown[], options: Record<string, unknown>): Promise<CommandResult> {
  const { output } = context
  const target = path.resolve(context.cwd, String(options.output))
  const range = await parseTimeRange(options)
  const since = range.since ?? ALL_TIME.since
  const until = range.until ?? ALL_TIME.until
  const [{ exportToLogfile }, { formatFromPath, formatRfc3339, isGzipPath }] = await Promise.all([import('@eht-influx-client/replay'), import('@eht-influx-client/logfile')])
  const format = (options.format as LogFormat | undefined) ?? formatFromPath(target) ?? 'jsonl'
  // Before anything is read: --force replaces a file, never a directory or another kind of file.
  let existing: fs.Stats | undefined
  try {
    existing = fs.statSync(target, { throwIfNoEntry: false })
  } catch (error) {
    // ENOTDIR (a file where a directory should be), EACCES, ...: the output cannot be written there.
    throw new OutputError(`cannot write ${target}: ${(error as Error).message}`, { cause: error })
  }
  if (existing !== undefined && !existing.isFile()) throw new UsageError(`${target} exists and is ${existing.isDirectory() ? 'a directory' : 'not a regular file'}; --output must name a file (--force replaces only a file)`)
  if (options.force !== true && existing !== undefined) throw new UsageError(`${target} exists; use --force to replace it`)
  const config = await context.loadConfig()
  const server = chooseServer(config, options.server)
  const measurements = (options.measurement as string[] | undefined) ?? []
  // A partial file left by an export that was killed (SIGKILL, a power cut) is removed; one of a run still going is kept.
  await removeDeadPartials(target)
  const partial = await partialPath(target)
  // Ctrl-C stops the export (its signal) and the process ends at once; this removes the partial file last,
  // the only file the export writes (a .gz output is compressed as it is written, with no plain copy).
  const removePartial = () => fs.rmSync(partial, { force: true })
  process.once('exit', removePartial)
  const interrupt = context.handleInterrupt()
  const progress = await context.startProgress({ label: 'export', unit: 'points' })
  let summary: ExportSummary
  try {
    summary = await reportingLibraryErrors(() =>
      interrupt.race(
        exportToLogfile({
          config,
          server: server.name,
          ...(measurements.length > 0 ? { measurements } : {}),
          since,
          until,
          output: partial,
          format,
          // The partial file's name does not end in .gz: say it is to be gzip all the same.
          gzip: isGzipPath(target),
          onProgress: (p) => progress.update(p.points, p.points),
          signal: interrupt.signal,
        }),
      ),
    )
    await renameDurably(partial, target, options.force === true)
  } catch (error) {
    removePartial()
    // Ctrl-C (or SIGTERM, SIGHUP): the export's own AbortError may settle first; either way it is the interruption that is reported (exit 130, 143, 129).
    if (interrupt.signal.aborted) throw interrupt.signal.reason
    throw error
  } finally {
    progress.stop()
  }
  process.removeListener('exit', removePartial)
  const bounds = range.since === undefined && range.until === undefined ? 'all time' : `${range.since === undefined ? 'the beginning' : formatRfc3339(since)} to ${range.until === undefined ? 'the end' : formatRfc3339(until)}`
  const which = measurements.length === 0 ? 'all measurements' : measurements.join(', ')
  const skipped = summary.skipped === 0 ? 'nothing skipped' : `${formatPoints(summary.skipped)} skipped (a logfile cannot hold them)`
  for (const reason of summary.skippedReasons) output.warn(`skipped: ${reason}`)
  for (const warning of summary.warnings) output.warn(warning)
  const left = [
    summary.unknownMeasurements.length === 0 ? '' : `; ${summary.unknownMeasurements.length} measurement(s) not on the server`,
    summary.conflicts.length === 0 ? '' : `; NOT exported (a field with several types): ${[...new Set(summary.conflicts.map((c) => c.measurement))].join(', ')}`,
  ].join('')
  output.summary(`export: ${formatPoints(summary.points)} from server ${server.name} (${server.bucket}), ${which}, ${bounds}, to ${target} (${format}${isGzipPath(target) ? ', gzip' : ''}) in ${formatDuration(summary.durationMs)}; ${summary.queries} queries; ${skipped}${left}`)
  return {
    exitCode: summary.skipped > 0 || summary.warnings.length > 0 ? 1 : 0,
    json: { ...summary, output: target, since: range.since ?? null, until: range.until ?? null, measurements: measurements.length === 0 ? null : measurements },
  }
}
