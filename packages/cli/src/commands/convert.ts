import fs from 'node:fs/promises'
import path from 'node:path'
import { Option, type Command } from 'commander'
import type { LogFormat } from '@eht-influx-client/logfile'
import { BadLineReport } from '../bad-lines.js'
import type { CommandContext, CommandResult } from '../command.js'
import { convertLogFile } from '../convert-stream.js'
import { InputError, UsageError } from '../errors.js'
import { formatBytes, formatCount, formatDuration, formatRate } from '../format.js'
import { PROGRAM_NAME } from '../output.js'

const FORMATS = ['jsonl', 'csv', 'lp'] as const

export function configure(command: Command): void {
  command
    .argument('<input>', 'logfile to read (.jsonl, .csv or .lp; may end in .gz; a named pipe needs --from)')
    .requiredOption('-o, --output <path>', 'file to write (.jsonl, .csv or .lp; .gz compresses it)')
    .addOption(new Option('--from <format>', 'format of the input (default: from its extension)').choices(FORMATS))
    .addOption(new Option('--to <format>', 'format of the output (default: from its extension)').choices(FORMATS))
    .option('-f, --force', 'replace the output file if it exists')
    .addHelpText(
      'after',
      `
Streams the input (memory stays flat); the output appears only when complete
(Ctrl-C leaves nothing half-written). Bad lines are skipped, reported as
file:line and counted; any bad line makes the exit code 1.

Examples:
  $ ${PROGRAM_NAME} convert 2025-04-06.jsonl -o 2025-04-06.lp
  $ ${PROGRAM_NAME} convert weather.csv.gz --to jsonl -o weather.log`,
    )
}

export async function run(context: CommandContext, args: readonly unknown[], options: Record<string, unknown>): Promise<CommandResult> {
  const { output } = context
  const input = path.resolve(context.cwd, String(args[0]))
  const target = path.resolve(context.cwd, String(options.output))
  const { formatFromPath, isGzipFile, isGzipPath } = await import('@eht-influx-client/logfile')
  const from = (options.from as LogFormat | undefined) ?? formatFromPath(input)
  const to = (options.to as LogFormat | undefined) ?? formatFromPath(target)
  if (from === undefined) throw new UsageError(`cannot tell the format of ${input} from its name; say --from jsonl|csv|lp`)
  if (to === undefined) throw new UsageError(`cannot tell the format of ${target} from its name; say --to jsonl|csv|lp`)
  const stat = await fs.stat(input).catch((error: Error) => {
    throw new InputError(`cannot read ${input}: ${error.message}`, { cause: error })
  })
  if (stat.isDirectory()) throw new InputError(`${input} is a directory; convert takes one file`)
  if (input === target) throw new UsageError(`the output ${target} is the input; write to another file`)
  if (options.force !== true && (await fs.stat(target).then(() => true, () => false))) throw new UsageError(`${target} exists; use --force to replace it`)

  // The reader gunzips a .gz file and a file of another name holding gzip: its progress is then in
  // decompressed bytes, which the file's size does not bound (points are counted instead).
  const compressed = isGzipPath(input) || (stat.isFile() && (await isGzipFile(input).catch(() => false)))
  const bySize = stat.isFile() && !compressed && stat.size > 0
  const progress = await context.startProgress({ label: 'convert', unit: bySize ? 'bytes' : 'points', total: bySize ? stat.size : undefined })
  const badLines = new BadLineReport(output)
  let elapsed = 0
  const outcome = await convertLogFile({
    input,
    output: target,
    from,
    to,
    overwrite: options.force === true,
    interrupt: context.handleInterrupt(),
    onBadLine: (bad) => badLines.add(bad),
    onProgress: (offset, points) => progress.update(bySize ? offset : points, points),
  }).finally(() => {
    elapsed = progress.stop()
  })

  badLines.finish()
  output.summary(
    `convert: ${formatCount(outcome.points)} points from ${input} (${from}) to ${target} (${to}), ${formatBytes(outcome.bytesWritten)} in ${formatDuration(elapsed)} (${formatRate(outcome.points, elapsed, 'points')}); ${badLines.describe()}`,
  )
  return {
    exitCode: outcome.badLines === 0 ? 0 : 1,
    json: { input, output: target, from, to, points: outcome.points, badLines: outcome.badLines, bytesWritten: outcome.bytesWritten, elapsedMs: Math.round(elapsed), badLineSamples: badLines.samples },
  }
}
