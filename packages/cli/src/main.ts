import fs from 'node:fs'
import { CommanderError } from 'commander'
import { COMMANDS } from './command-index.js'
import { createContext } from './context.js'
import { CliError, type ExitCode } from './errors.js'
import { findCommandName, readGlobalOptions, type GlobalOptions } from './global-options.js'
import { Output, type OutputStreams } from './output.js'
import { buildProgram } from './program.js'

export interface MainOptions {
  /** Default: process.stdout and process.stderr. */
  streams?: OutputStreams
  /** Default: process.env. */
  env?: NodeJS.ProcessEnv
  /** Default: process.cwd(). */
  cwd?: string
}

/**
 * Runs `eht-influx-client` with the given arguments (without node and the
 * script) and resolves to the exit code: 0 all done, 1 points not delivered or
 * a server refusing, 2 usage or configuration error, 130 interrupted.
 * It never throws and never calls process.exit.
 */
export async function main(argv: readonly string[], options: MainOptions = {}): Promise<ExitCode> {
  const streams = options.streams ?? { stdout: process.stdout, stderr: process.stderr }
  const env = options.env ?? process.env
  const cwd = options.cwd ?? process.cwd()
  let output = new Output(streams, globalsBeforeParsing(argv))
  let commandName: string | undefined
  let exitCode: ExitCode = 0
  try {
    const entry = COMMANDS.find((c) => c.name === findCommandName(argv))
    commandName = entry?.name
    const loaded = entry === undefined ? undefined : { name: entry.name, module: await entry.load() }
    const program = buildProgram({
      version: cliVersion(),
      commands: COMMANDS,
      loaded,
      streams,
      async run(name, module, command) {
        const globals = readGlobalOptions(command.optsWithGlobals())
        output = new Output(streams, globals)
        const { context, dispose } = createContext(globals, output, env, cwd)
        try {
          const result = await module.run(context, command.processedArgs, command.opts())
          exitCode = result.exitCode
          output.writeJson({ command: name, ok: result.exitCode === 0, exitCode: result.exitCode, ...result.json })
        } finally {
          dispose()
        }
      },
    })
    await program.parseAsync([...argv], { from: 'user' })
    return exitCode
  } catch (error) {
    return reportError(error, output, commandName)
  }
}

/** The version of this package (from its package.json). */
export function cliVersion(): string {
  const manifest = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
  return manifest.version
}

/** Until commander has parsed the command line: enough to report a usage error the way the user asked. */
function globalsBeforeParsing(argv: readonly string[]): GlobalOptions {
  const has = (...flags: string[]) => argv.some((a) => flags.includes(a))
  return { config: undefined, profile: undefined, quiet: has('-q', '--quiet'), verbose: has('-v', '--verbose'), json: has('--json') }
}

function reportError(error: unknown, output: Output, command: string | undefined): ExitCode {
  if (error instanceof CommanderError) {
    // commander printed its message (or the help / version) already
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0
    // `help <command>`: the help was asked for (exit code 0); the same code with 1 is help shown for a usage error.
    if (error.code === 'commander.help' && error.exitCode === 0) return 0
    // No command given: commander showed the help on stderr, and its message is only "(outputHelp)".
    const message = error.code === 'commander.help' ? `no command given; name one of: ${COMMANDS.map((c) => c.name).join(', ')} (the help is on stderr)` : error.message.replace(/^error: /, '')
    output.writeJson({ command: command ?? null, ok: false, exitCode: 2, error: { name: 'UsageError', code: error.code, message } })
    return 2
  }
  if (CliError.isInstance(error)) {
    output.error(error.message)
    if (output.verbose && error.cause !== undefined) output.detail(`caused by: ${describeCause(error.cause)}`)
    output.writeJson({ command: command ?? null, ok: false, exitCode: error.exitCode, error: { name: error.name, code: error.code, message: error.message } })
    return error.exitCode
  }
  const message = error instanceof Error ? error.message : String(error)
  output.error(`unexpected failure: ${message}${output.verbose ? '' : ' (run with --verbose for details)'}`)
  if (error instanceof Error && error.stack !== undefined) output.detail(error.stack)
  output.writeJson({ command: command ?? null, ok: false, exitCode: 1, error: { name: error instanceof Error ? error.name : 'Error', code: 'EHT_CLI_UNEXPECTED', message } })
  return 1
}

function describeCause(cause: unknown): string {
  return cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)
}
