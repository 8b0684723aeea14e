import type { Command } from 'commander'
import type { CommandContext, CommandResult } from '../command.js'
import { checkLocation, type LocationReport } from '../location-check.js'
import { PROGRAM_NAME } from '../output.js'
import { checkServer, type CheckStep, type ServerReport } from '../server-check.js'

export function configure(command: Command): void {
  command.addHelpText(
    'after',
    `
Checks, without writing any data: the configuration (which file, or the
built-in default), every enabled server (it answers; its database or bucket
exists; a write is authorised, by an empty write), and the logfile, spool and
errors-file locations with their free disk space.
Exit 0 only if all is well; 1 if a server is unreachable or refusing, or a
location is not writable; 2 for a configuration error.

Examples:
  $ ${PROGRAM_NAME} check
  $ ${PROGRAM_NAME} check --config /etc/eht/influx_config.ini --json`,
  )
}

const MARK: Record<CheckStep['outcome'], string> = { ok: 'ok     ', failed: 'FAILED ', unknown: '?      ' }

export async function run(context: CommandContext): Promise<CommandResult> {
  const { output } = context
  const config = await context.loadConfig()
  const interrupt = context.handleInterrupt()
  const checks = Promise.all([
    Promise.all(config.servers.map((server) => checkServer(server, interrupt.signal))),
    Promise.all([
      checkLocation('logfile', config.logfile.path, false),
      checkLocation('spool', config.spool.dir, true),
      checkLocation('errors file', config.errors.errorsFile, false),
    ]),
  ])
  const [servers, locations] = await interrupt.race(checks)
  interrupt.throwIfInterrupted()

  const lines: string[] = []
  const show = (text: string, problem: boolean) => {
    if (problem || !output.quiet) lines.push(text)
  }
  show(`configuration: ${config.source ?? 'built-in default (no configuration file found; logfile only)'}`, false)
  show(`profile: ${config.client.profile}; station: ${config.client.station ?? '(not set)'}`, false)
  if (config.servers.length === 0) show('servers: none configured (points go to the logfile only)', false)
  for (const server of servers) {
    const failed = !server.ok
    show(`server ${server.name}: ${server.api} ${server.url}, ${server.api === 'v1' ? 'database' : 'bucket'} "${server.bucket}"${server.enabled ? '' : ' (disabled: not checked)'}`, failed)
    for (const step of server.steps) show(`  ${MARK[step.outcome]}${step.step}: ${step.detail}`, step.outcome === 'failed')
  }
  for (const location of locations) show(`${location.what}: ${location.path}\n  ${location.ok ? MARK.ok : MARK.failed}${location.detail}`, !location.ok)
  if (lines.length > 0) output.result(lines.join('\n'))

  const problems = summarizeProblems(servers, locations)
  const exitCode = problems.length === 0 ? 0 : 1
  const checked = servers.filter((s) => s.enabled).length
  output.summary(
    problems.length === 0
      ? `check: all well (${checked} server${checked === 1 ? '' : 's'} checked; logfile, spool and errors file writable)`
      : `check: ${problems.length} problem${problems.length === 1 ? '' : 's'}: ${problems.join('; ')}`,
  )
  return {
    exitCode,
    json: { source: config.source ?? null, builtInDefault: config.source === undefined, profile: config.client.profile, warnings: config.warnings, servers, locations, problems },
  }
}

function summarizeProblems(servers: readonly ServerReport[], locations: readonly LocationReport[]): string[] {
  const problems: string[] = []
  for (const server of servers) {
    const failed = server.steps.find((s) => s.outcome === 'failed')
    if (failed !== undefined) problems.push(`server ${server.name} (${server.url}): ${failed.step}: ${failed.detail}`)
  }
  for (const location of locations) if (!location.ok) problems.push(`${location.what} ${location.directory}: ${location.detail}`)
  return problems
}
