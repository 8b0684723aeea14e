import path from 'node:path'
import { Option, type Command } from 'commander'
import type { LogFormat } from '@eht-influx-client/logfile'
import type { ReplaySummary } from '@eht-influx-client/replay'
import { BadLineReport } from '../bad-lines.js'
import type { CommandContext, CommandResult } from '../command.js'
import { CliError, InputError } from '../errors.js'
import { formatBytes, formatDuration, formatPoints } from '../format.js'
import { interruptedBy } from '../interrupt.js'
import { reportingLibraryErrors, toCliError } from '../library-errors.js'
import { PROGRAM_NAME } from '../output.js'
import { parseRateLimit } from '../rate-limit.js'
import { describeServerCounts, notDelivered, type ServerCounts } from '../delivery-report.js'
import { withoutBadLineReports } from '../report-filters.js'
import { collect } from '../option-values.js'
import { serverOption } from '../server-option.js'
import { parseTimeRange } from '../time-option.js'
import { ClosableStdout } from '../closable-stdout.js'

export function configure(command: Command): void {
  command
    .argument('<paths...>', 'logfiles, directories (searched recursively) or globs; JSONL, CSV or LP, plain or .gz')
    .option('--server <name>', 'only this server (repeatable; a disabled one too); default: every enabled server', collect)
    .option('--since <time>', 'only points at or after this time (RFC 3339, a date, integer ns, or a duration ago: 6h, 7d)')
    .option('--until <time>', 'only points before this time')
    .option('--measurement <name>', 'only this measurement (repeatable)', collect)
    .addOption(new Option('--format <format>', 'format of files whose extension does not tell').choices(['jsonl', 'csv', 'lp']))
    .option('--dry-run', 'print the line protocol that would be sent (stdout) and send nothing')
    .option('--rate-limit <rate>', 'most points and/or bytes per second per server: 5000/s, 1MB/s or 5000/s,1MB/s')
    .option('--no-resume', 'start over instead of continuing from the checkpoints of an earlier run')
    .addHelpText(
      'after',
      `
Points go in time order through the writer's delivery path (batches, retries,
spool, errors file). Per server and selection (--since, --until,
--measurement) a checkpoint beside the spool records what was delivered:
Ctrl-C stops cleanly, and the same command run again continues where it
stopped. Exit 1 if a line was bad or a server did not take every point.

Examples:
  $ ${PROGRAM_NAME} replay eht-influx-log/ --server cloud --since 2025-04-06
  $ ${PROGRAM_NAME} replay 'eht-influx-log/eht-2025-04-*.jsonl' --rate-limit 5000/s --measurement pps_offset
  $ ${PROGRAM_NAME} replay day.jsonl --dry-run | head`,
    )
}

export async function run(context: CommandContext, args: readonly unknown[], options: Record<string, unknown>): Promise<CommandResult> {
  const { output } = context
  const inputs = (args[0] as string[]).map((p) => path.resolve(context.cwd, p))
  const { since, until } = await parseTimeRange(options)
  const [{ replay }, { listLogFiles }, { parseSize }] = await Promise.all([import('@eht-influx-client/replay'), import('@eht-influx-client/logfile'), import('@eht-influx-client/config')])
  const rateLimit = typeof options.rateLimit === 'string' ? parseRateLimit(options.rateLimit, { parseSize }) : undefined
  const config = await context.loadConfig()
  const servers = (options.server as string[] | undefined) ?? []
  // Checked here so that the error names the option (replay's own says `servers[0]`).
  for (const name of servers) serverOption(config, name)
  if ((await reportingLibraryErrors(() => listLogFiles(inputs))).length === 0) throw new InputError(`no logfile matches ${inputs.join(', ')}`)
  const measurements = (options.measurement as string[] | undefined) ?? []
  const dryRun = options.dryRun === true
  const badLines = new BadLineReport(output)
  const interrupt = context.handleInterrupt()
  const stdout = new ClosableStdout(output.streams.stdout)
  const progress = await context.startProgress({ label: 'replay', unit: 'bytes' })
  let summary: ReplaySummary
  /** The error of a replay that stopped under way and said what it had done (its summary is printed first). */
  let stopped: CliError | undefined
  try {
    summary = await replay({
      config,
      inputs,
      ...(servers.length > 0 ? { servers } : {}),
      ...(since === undefined ? {} : { since }),
      ...(until === undefined ? {} : { until }),
      ...(measurements.length > 0 ? { measurements } : {}),
      ...(typeof options.format === 'string' ? { format: options.format as LogFormat } : {}),
      ...(rateLimit === undefined ? {} : { rateLimit }),
      dryRun,
      // --json: stdout holds the one JSON object, so a dry run only counts.
      output: output.json ? { write: () => true, once: () => undefined } : stdout,
      resume: options.resume !== false,
      onProgress(p) {
        progress.setTotal(p.bytesTotal)
        progress.update(p.bytesRead, p.pointsRead)
      },
      onBadLine: (bad) => badLines.add(bad),
      stderr: withoutBadLineReports(output.streams.stderr),
      signal: AbortSignal.any([interrupt.signal, stdout.closed.signal]),
    })
  } catch (error) {
    const failure = toCliError(error)
    // Stopped under way with what was done attached (replay() does that once the servers are fed): the usual summary, then why it stopped.
    const partial = carriedSummary(error)
    // Nothing sent yet (a checkpoint that cannot be read or locked...): the error says it all.
    if (partial === undefined || !CliError.isInstance(failure)) {
      badLines.finish()
      throw failure
    }
    stopped = failure
    summary = partial
  } finally {
    progress.stop()
    stdout.dispose()
  }
  badLines.finish()
  const interrupted = interrupt.signal.aborted
  const perServer: [string, ServerCounts][] = Object.values(summary.servers).map((s) => [s.server, { ...s, delivered: s.accepted }])
  const head = `${stopped !== undefined ? 'stopped after ' : ''}${formatPoints(summary.read)} read from ${formatPoints(summary.files, 'file')} (${formatBytes(summary.bytes)}) in ${formatDuration(summary.durationMs)}`
  const where = dryRun ? `${formatPoints(summary.printed, 'line')} printed${stdout.closed.signal.aborted ? ' (stdout closed early)' : ''}, nothing sent` : perServer.map(([name, counts]) => describeServerCounts(name, counts, config)).join('; ')
  output.summary(`replay${dryRun ? ' (dry run)' : ''}: ${head}; ${where}; ${badLines.describe()}`)
  for (const warning of summary.warnings) output.warn(warning)
  if (stopped !== undefined) {
    output.error(`${stopped.message}; what the checkpoint does not cover is sent again by the same command once this is fixed`)
    return { exitCode: stopped.exitCode, json: { inputs, ...summary, badLineSamples: badLines.samples, interrupted, error: { name: stopped.name, code: stopped.code, message: stopped.message } } }
  }
  if (interrupted) output.error(`${interruptedBy(interrupt)}: what the servers accepted is checkpointed; run the same command again to continue`)
  return {
    exitCode: interrupted ? 130 : badLines.count > 0 || perServer.some(([, counts]) => notDelivered(counts)) || (summary.stoppedEarly && !stdout.closed.signal.aborted) ? 1 : 0,
    json: { inputs, ...summary, badLineSamples: badLines.samples, interrupted },
  }
}

/** The summary a replay that failed under way attaches to its error (see the replay package's README), if any. */
function carriedSummary(error: unknown): ReplaySummary | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const summary = (error as { summary?: unknown }).summary
  return typeof summary === 'object' && summary !== null && 'servers' in summary ? (summary as ReplaySummary) : undefined
}
