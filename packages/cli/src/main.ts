import fs from 'node:fs'
import { CommanderError } from 'commander'
import { COMMANDS } from './command-index.js'
import { createContext } from './context.js'
import { CliError, type ExitCode } from './errors.js'
import { findCommandName, readGlobalOptions, type GlobalOptions } from './global-options.js'
import { Output, survivingClosedStderr, type OutputStreams } from './output.js'
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
 * a server refusing, 2 usage or configuration error, 130 interrupted (Ctrl-C; 143 SIGTERM, 129 SIGHUP).
 * It never throws and never calls process.exit.
 */
export async function main(argv: readonly string[], options: MainOptions = {}): Promise<ExitCode> {
  const streams = options.streams ?? { stdout: process.stdout, stderr: process.stderr }
  const env = options.env ?? process.env
  const cwd = options.cwd ?? process.cwd()
  const early = globalsBeforeParsing(argv)
  let output = new Output(streams, early)
  let commandName: string | undefined
  let exitCode: ExitCode = 0
  // With --json, what commander prints on stdout (the help, the version) goes into the one JSON object instead.
  let printed = ''
  const requested = findCommandName(argv)
  // A closed stderr must not crash the command (see there); the listener goes when main() returns.
  const releaseStderr = survivingClosedStderr(streams.stderr)
  try {
    const entry = COMMANDS.find((c) => c.name === requested)
    commandName = entry?.name
    const loaded = entry === undefined ? undefined : { name: entry.name, module: await entry.load() }
    const program = buildProgram({
      version: cliVersion(),
      commands: COMMANDS,
      loaded,
      streams,
      writeOut: early.json ? (text) => (printed += text) : (text) => streams.stdout.write(text),
      async run(name, module, command) {
        const globals = readGlobalOptions(command.optsWithGlobals())
        output = new Output(streams, globals)
        const { context, dispose, finish } = createContext(globals, output, env, cwd)
        try {
          const result = await module.run(context, command.processedArgs, command.opts())
          const finished = finish(result.exitCode)
          exitCode = finished.exitCode
          output.writeJson({ command: name, ok: exitCode === 0, exitCode, ...result.json, ...(finished.interrupted ? { interrupted: true } : {}) })
        } finally {
          dispose()
        }
      },
    })
    await program.parseAsync([...argv], { from: 'user' })
    return exitCode
  } catch (error) {
    return reportError(error, output, { command: commandName, requested, printed })
  } finally {
    releaseStderr()
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

interface ErrorContext {
  /** The command that was run (one of COMMANDS). */
  command: string | undefined
  /** The command name on the command line, known or not (`help frob` -> "frob"). */
  requested: string | undefined
  /** What commander printed for stdout with --json (help, version). */
  printed: string
}

function reportError(error: unknown, output: Output, { command, requested, printed }: ErrorContext): ExitCode {
  if (error instanceof CommanderError) {
    // commander printed its message (or, without --json, the help / version) already
    if (error.code === 'commander.version') {
      output.writeJson({ command: command ?? null, ok: true, exitCode: 0, version: cliVersion() })
      return 0
    }
    // `help <command>`: the help was asked for (exit code 0); the same code with 1 is help shown for a usage error.
    if (error.code === 'commander.helpDisplayed' || (error.code === 'commander.help' && error.exitCode === 0)) {
      output.writeJson({ command: command ?? null, ok: true, exitCode: 0, help: printed })
      return 0
    }
    let code = error.code
    let message = error.message.replace(/^error: /, '')
    if (error.code === 'commander.help') {
      // Help shown for a usage error (on stderr), and commander's message is only "(outputHelp)":
      // `help frob` names a command that does not exist; otherwise none was given.
      const names = COMMANDS.map((c) => c.name).join(', ')
      if (requested !== undefined && command === undefined) {
        code = 'commander.unknownCommand'
        message = `unknown command '${requested}'; name one of: ${names}`
        output.error(message)
      } else message = `no command given; name one of: ${names} (the help is on stderr)`
    }
    output.writeJson({ command: command ?? null, ok: false, exitCode: 2, error: { name: 'UsageError', code, message } })
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
