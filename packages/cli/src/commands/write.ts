import path from 'node:path'
import { Option, type Command } from 'commander'
import type { LogFormat } from '@eht-influx-client/logfile'
import { BadLineReport } from '../bad-lines.js'
import type { CommandContext, CommandResult } from '../command.js'
import { CliError, UsageError } from '../errors.js'
import { formatCount, formatPoints } from '../format.js'
import { openLineInput } from '../input-lines.js'
import { interruptedBy } from '../interrupt.js'
import { toCliError } from '../library-errors.js'
import { newestLogfile } from '../log-path.js'
import { PROGRAM_NAME } from '../output.js'
import { describeServerCounts, notDelivered } from '../delivery-report.js'
import { collect, parseTagOption } from '../option-values.js'
import { PRECISIONS, type Precision } from '../timestamp-precision.js'
import { writePoints, WriteStopped, type NotLogged, type WriteOutcome } from '../write-points.js'

const FORMATS = ['lp', 'jsonl', 'csv'] as const

export function configure(command: Command): void {
  command
    .option('--file <path>', 'read the points from this file (.lp, .jsonl, .csv, optionally .gz) instead of stdin')
    .addOption(new Option('--format <format>', 'format of the input (default: from the file extension; stdin: lp)').choices(FORMATS))
    .addOption(new Option('--precision <unit>', 'unit of the timestamps of line protocol and JSONL input: s, ms, us or ns').choices(PRECISIONS).default('ns'))
    .option('--measurement <name>', 'measurement for JSONL objects and CSV tables that name none (line protocol always names its own)')
    .option('--tag <key=value>', 'tag added to every point that lacks it (repeatable)', collect)
    .option('--sync', 'wait until every server accepted each batch (through retries) instead of one attempt at the end')
    .addHelpText(
      'after',
      `
Every point goes to the logfile first, then to every enabled server: 5000 at
a time, and at once whenever the input pauses for 0.1 s (a pipe fed now and
then). Line protocol without a timestamp gets the current time. Timestamps are
nanoseconds unless --precision says otherwise (as InfluxDB's precision; CSV
times are RFC 3339 or nanoseconds); one outside 1990-2100 is a bad line, and
the message says which --precision would fit. Bad lines are
reported as stdin:line (or file:line) and skipped; the rest is written. Lines
that are not UTF-8 or longer than 16 MiB (replay could not read them back) are
bad lines.
Without --sync a server that fails at the end gets its points spooled (they
wait in the spool; '${PROGRAM_NAME} spool drain' delivers them).
Exit 1 if a line was bad or a point was not delivered (spooled, rejected).

Examples:
  $ ${PROGRAM_NAME} write --file readings.jsonl --measurement maser --tag station=Kp --sync
  $ echo "weather,station=Kp temperature_c=-3.5" | ${PROGRAM_NAME} write
  $ echo "weather,station=Kp temperature_c=-3.5 1617672549" | ${PROGRAM_NAME} write --precision s`,
    )
}

export async function run(context: CommandContext, _args: readonly unknown[], options: Record<string, unknown>): Promise<CommandResult> {
  const { output } = context
  const file = typeof options.file === 'string' ? path.resolve(context.cwd, options.file) : undefined
  const logfile = await import('@eht-influx-client/logfile')
  const format: LogFormat | undefined = (options.format as LogFormat | undefined) ?? (file === undefined ? 'lp' : logfile.formatFromPath(file))
  if (format === undefined) throw new UsageError(`cannot tell the format of ${file} from its name; say --format lp|jsonl|csv`)
  const tags = parseTagOption(options.tag as string[] | undefined, logfile.validateRecord)
  const measurement = typeof options.measurement === 'string' ? options.measurement : undefined
  if (measurement === '') throw new UsageError('--measurement needs a name')
  const precision = (options.precision as Precision | undefined) ?? 'ns'
  // A CSV time is RFC 3339 or integer ns (dateTime:number), told apart only inside the decoder: no unit to apply.
  if (format === 'csv' && precision !== 'ns') throw new UsageError(`--precision ${precision} applies to line protocol and JSONL; CSV times are RFC 3339 or integer nanoseconds (dateTime:number)`)
  const config = await context.loadConfig()
  const { pointDecoder } = await import('../point-decoder.js')
  const input = await openLineInput(file, process.stdin)
  const badLines = new BadLineReport(output)
  const started = performance.now()
  /** The summary line, then what is not in the logfile (if anything). */
  const summarize = async (outcome: WriteOutcome) => {
    badLines.finish()
    const logfilePath = (await newestLogfile(config.logfile.path)) ?? config.logfile.path
    const servers = Object.entries(outcome.servers)
    const where = servers.length === 0 ? 'no server configured (logfile only)' : servers.map(([name, counts]) => describeServerCounts(name, counts, config)).join('; ')
    const { notLogged } = outcome
    const unlogged = notLogged === undefined ? '' : ` (${formatCount(notLogged.points)} of them NOT in it: it could not be written)`
    output.summary(`write: ${formatPoints(outcome.points)} from ${input.name} (${format}) to ${logfilePath}${unlogged}; ${where}; ${badLines.describe()}`)
    if (notLogged !== undefined) output.error(describeNotLogged(notLogged, logfilePath, input.name, servers.length > 0))
    return { logfilePath, servers }
  }
  const interrupt = context.handleInterrupt()
  let outcome: WriteOutcome
  try {
    outcome = await writePoints({
      config,
      input,
      decoder: pointDecoder(logfile, format, { measurement, tags, precision }),
      sync: options.sync === true,
      interrupt,
      badLines,
      stderr: output.streams.stderr,
    })
  } catch (error) {
    if (!(error instanceof WriteStopped)) throw toCliError(error)
    // What was done is said first; then why it stopped, and where in the input.
    await summarize(error.outcome)
    throw stoppedError(error, input.name)
  }
  const elapsedMs = Math.round(performance.now() - started)
  const { logfilePath, servers } = await summarize(outcome)
  const { notLogged } = outcome
  if (outcome.logfileCloseError !== undefined) output.error(outcome.logfileCloseError)
  if (outcome.interrupted) output.error(`${interruptedBy(interrupt)}: the points read before it are in the logfile and were sent (or spooled); the rest of the input was not read`)
  return {
    exitCode: outcome.interrupted ? 130 : badLines.count > 0 || notLogged !== undefined || outcome.logfileCloseError !== undefined || servers.some(([, counts]) => notDelivered(counts)) ? 1 : 0,
    json: {
      input: input.name,
      format,
      precision,
      points: outcome.points,
      badLines: badLines.count,
      badLineSamples: badLines.samples,
      logfile: logfilePath,
      servers: outcome.servers,
      notLogged: notLogged?.points ?? 0,
      ...(notLogged === undefined && outcome.logfileCloseError === undefined ? {} : { logfileError: notLogged?.cause ?? outcome.logfileCloseError }),
      spoolDir: config.spool.dir,
      errorsFile: config.errors.errorsFile,
      sync: options.sync === true,
      interrupted: outcome.interrupted,
      elapsedMs,
    },
  }
}

/** `the logfile ... could not be written (cause): 20,000 points are not in it (lines 1 to 20,000 of stdin); ...` */
function describeNotLogged(notLogged: NotLogged, logfilePath: string, inputName: string, toServers: boolean): string {
  const where = notLogged.firstLine === notLogged.lastLine ? `line ${notLogged.firstLine}` : `lines ${notLogged.firstLine} to ${notLogged.lastLine}`
  const fate = toServers
    ? 'they were still sent to the servers (the summary says what each took), but a replay of the logfile will not have them'
    : `no server is configured, so they are kept nowhere: write those lines again once the logfile can be written`
  return `the logfile ${logfilePath} could not be written (${notLogged.cause}): ${formatPoints(notLogged.points)} are not in it (of ${where} of ${inputName}); ${fate}`
}

/** The error that stopped writePoints, as reported: its own message, then where in the input it stopped. */
function stoppedError(stopped: WriteStopped, inputName: string): unknown {
  const where = `stopped after line ${stopped.afterLine} of ${inputName}; the rest was not written`
  const error = toCliError(stopped.cause)
  // The same class (name, code, exit code), the message completed.
  if (CliError.isInstance(error)) return new (error.constructor as typeof CliError)(`${error.message}; ${where}`, { code: error.code, exitCode: error.exitCode, cause: error })
  const message = error instanceof Error ? error.message : String(error)
  return new CliError(`unexpected failure: ${message}; ${where}`, { code: 'EHT_CLI_UNEXPECTED', exitCode: 1, cause: error })
}
