import { Argument, type Command } from 'commander'
import type { EHTConfig } from '@eht-influx-client/config'
import type { CommandContext, CommandResult } from '../command.js'
import { UsageError } from '../errors.js'
import { formatBytes, formatPoints } from '../format.js'
import { interruptedBy } from '../interrupt.js'
import { reportingLibraryErrors } from '../library-errors.js'
import { PROGRAM_NAME } from '../output.js'
import { scanSpool, type SpoolContents } from '../spool-scan.js'
import { collect } from '../option-values.js'
import { serverOption } from '../server-option.js'
import { drainSpool } from '../spool-drain.js'

export function configure(command: Command): void {
  command
    .addArgument(new Argument('[action]', 'drain: deliver the spooled points now (default: list them)').choices(['list', 'drain']))
    .option('--server <name>', 'only this server (repeatable; drain: also a disabled one)', collect)
    .addHelpText(
      'after',
      `
Points a server did not take (it was down, or the writer was closing) wait in
the spool, per server. 'spool' lists them: points, bytes, oldest point.
'spool drain' delivers them now with the [retry] policy (Ctrl-C stops it; a
file is deleted only once the server took all of it), then says what stays.
'spool' also lists the folders of servers no longer configured (renamed or
removed): nobody delivers them, yet they count against [spool] max_size.
Exit 1 if points stay in the spool, a server rejected some (errors file),
unreadable lines were skipped, or a spool file cannot be read.

Examples:
  $ ${PROGRAM_NAME} spool
  $ ${PROGRAM_NAME} spool drain --server cloud`,
    )
}

export async function run(context: CommandContext, args: readonly unknown[], options: Record<string, unknown>): Promise<CommandResult> {
  const config = await context.loadConfig()
  const named = (options.server as string[] | undefined) ?? []
  for (const name of named) serverOption(config, name)
  if (args[0] === 'drain') return drain(context, config, named)
  return list(context, config, named.length > 0 ? named : config.servers.map((s) => s.name), named.length === 0)
}

/** `2026-11-28T13:56:17.612000000Z` or `-` */
function oldestText(entry: SpoolContents, formatRfc3339: (ns: bigint) => string): string {
  return entry.oldest === undefined ? '-' : formatRfc3339(entry.oldest)
}

function contentsJson(entry: SpoolContents, formatRfc3339: (ns: bigint) => string) {
  return { ...entry, oldest: entry.oldest === undefined ? null : formatRfc3339(entry.oldest), oldestNs: entry.oldest ?? null }
}

/** What a server's line adds after the counts: points a drain already delivered, files left `.open`, torn lines, unreadable files. */
function extrasText(entry: SpoolContents): string {
  const extras: string[] = []
  if (entry.delivered > 0) extras.push(`${formatPoints(entry.delivered)} before them already delivered (saved progress of an interrupted drain)`)
  if (entry.unsealedFiles > 0) extras.push(`${formatPoints(entry.unsealedFiles, 'file')} left unsealed (.open) by a writer that ended; the next client or '${PROGRAM_NAME} spool drain' seals and delivers them`)
  if (entry.badLines > 0) extras.push(formatPoints(entry.badLines, 'unreadable line'))
  if (entry.unreadable.length > 0) extras.push(`${formatPoints(entry.unreadable.length, 'file')} cannot be read (not counted)`)
  return extras.map((e) => `, ${e}`).join('')
}

async function list(context: CommandContext, config: EHTConfig, servers: readonly string[], unconfigured: boolean): Promise<CommandResult> {
  const { output } = context
  const { formatRfc3339 } = await import('@eht-influx-client/logfile')
  const contents = await reportingLibraryErrors(() => scanSpool(config, servers, undefined, { unconfigured }))
  const lines = [`spool: ${config.spool.dir}`]
  if (servers.length === 0) lines.push('servers: none configured')
  for (const entry of contents) {
    const counts = `${formatPoints(entry.points)} in ${formatPoints(entry.files.length, 'file')}, ${formatBytes(entry.bytes)}, oldest point ${oldestText(entry, formatRfc3339)}${extrasText(entry)}`
    if (!entry.configured) {
      lines.push(
        `folder ${entry.server} (not configured): ${counts}; no server of the configuration uses this folder (renamed or removed?), so nobody delivers it, yet it counts against [spool] max_size: add the server back to the configuration (and run '${PROGRAM_NAME} spool drain'), or move or delete ${entry.folder}`,
      )
      continue
    }
    const disabled = entry.enabled ? '' : ' (disabled)'
    if (entry.files.length === 0) lines.push(`server ${entry.server}${disabled}: nothing spooled`)
    else lines.push(`server ${entry.server}${disabled}: ${counts}`)
  }
  output.result(lines.join('\n'))
  for (const entry of contents) for (const message of entry.unreadable) output.error(message)
  const waiting = contents.filter((c) => c.configured && (c.points > 0 || c.unreadable.length > 0))
  const total = waiting.reduce((sum, c) => sum + c.points, 0)
  const orphans = contents.filter((c) => !c.configured)
  const orphanPoints = orphans.reduce((sum, c) => sum + c.points, 0)
  const parts = waiting.length === 0 ? [] : [`${formatPoints(total)} waiting for ${waiting.map((c) => c.server).join(', ')}; '${PROGRAM_NAME} spool drain' delivers them`]
  if (orphans.length > 0) parts.push(`${formatPoints(orphanPoints)} in folders of servers not configured (${orphans.map((c) => c.server).join(', ')}), delivered by nobody`)
  output.summary(parts.length === 0 ? 'spool: empty' : `spool: ${parts.join('; ')}`)
  const unreadable = contents.some((c) => c.unreadable.length > 0)
  return {
    exitCode: unreadable ? 1 : 0,
    json: { action: 'list', spoolDir: config.spool.dir, points: total, servers: contents.filter((c) => c.configured).map((c) => contentsJson(c, formatRfc3339)), unconfigured: orphans.map((c) => contentsJson(c, formatRfc3339)) },
  }
}

async function drain(context: CommandContext, config: EHTConfig, named: readonly string[]): Promise<CommandResult> {
  const { output } = context
  const servers = named.length > 0 ? named : config.servers.filter((s) => s.enabled).map((s) => s.name)
  if (servers.length === 0) throw new UsageError(`${config.source ?? 'the configuration'} has no enabled server; name one with --server`)
  const before = await reportingLibraryErrors(() => scanSpool(config, servers))
  const total = before.reduce((sum, c) => sum + c.points, 0)
  const already = before.reduce((sum, c) => sum + c.delivered, 0)
  if (already > 0) output.note(`${formatPoints(already)} of the spool were delivered by an earlier drain (saved progress): not sent again`)
  for (const other of config.servers) {
    if (!servers.includes(other.name) && !other.enabled) output.note(`server ${other.name} is disabled: its spool is kept (name it with --server to deliver it)`)
  }
  const progress = await context.startProgress({ label: 'spool drain', unit: 'points', total })
  const interrupt = context.handleInterrupt()
  const outcome = await reportingLibraryErrors(() =>
    drainSpool({ config, servers, interrupt, stderr: output.streams.stderr, onDelivered: (delivered) => progress.update(delivered, delivered) }),
  ).finally(() => progress.stop())
  const after = await reportingLibraryErrors(() => scanSpool(config, servers))
  const left = after.reduce((sum, c) => sum + c.points, 0)
  const leftFiles = after.reduce((sum, c) => sum + c.files.length, 0)
  const rejected = outcome.servers.reduce((sum, s) => sum + s.rejected, 0)
  const delivered = outcome.servers.reduce((sum, s) => sum + s.delivered, 0)
  const parts = [`${formatPoints(delivered)} delivered`]
  if (rejected > 0) parts.push(`${formatPoints(rejected)} rejected (in ${config.errors.errorsFile})`)
  const badLines = outcome.servers.reduce((sum, s) => sum + s.badLines, 0)
  if (badLines > 0) parts.push(`${formatPoints(badLines, 'unreadable line')} skipped (replay the logfile for them)`)
  for (const s of outcome.servers) if (s.failed !== undefined && !outcome.interrupted) parts.push(`server ${s.server} stopped: ${s.failed}`)
  // Why files stay although the server answered: another drainer holds them, or they cannot be read.
  for (const s of outcome.servers) for (const note of s.held ?? []) output.note(note)
  for (const s of outcome.servers) for (const message of s.unreadable ?? []) output.error(message)
  parts.push(leftFiles === 0 ? 'nothing left in the spool' : `${formatPoints(left)} (${formatPoints(leftFiles, 'file')}) stay in ${config.spool.dir}`)
  output.summary(`spool drain: ${parts.join('; ')}`)
  if (outcome.interrupted) output.error(`${interruptedBy(interrupt)}: what the servers took is out of the spool; the rest stays for the next drain`)
  const { formatRfc3339 } = await import('@eht-influx-client/logfile')
  return {
    exitCode: outcome.interrupted ? 130 : leftFiles > 0 || rejected > 0 || badLines > 0 ? 1 : 0,
    json: { action: 'drain', spoolDir: config.spool.dir, points: total, delivered, rejected, remaining: left, servers: outcome.servers, after: after.map((c) => contentsJson(c, formatRfc3339)), interrupted: outcome.interrupted },
  }
}
