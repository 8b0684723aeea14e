import type { Command } from 'commander'
import type { CommandModule } from './command.js'
import type { CommandEntry } from './command-index.js'
import { CliError } from './errors.js'
import { globalOptionDefinitions } from './global-options.js'
import { PROGRAM_NAME, type OutputStreams } from './output.js'
import { SafeCommand } from './safe-command.js'

export interface ProgramSpec {
  version: string
  commands: readonly CommandEntry[]
  /** The one command whose module was loaded (the one on the command line). */
  loaded: { name: string; module: CommandModule } | undefined
  streams: OutputStreams
  /** Where commander's own stdout text (help, version) goes. */
  writeOut(text: string): void
  /** Called with the command's module and its parsed commander Command (processedArgs, opts(), optsWithGlobals()). */
  run(name: string, module: CommandModule, command: Command): Promise<void>
}

const PROGRAM_HELP = `
Examples:
  $ ${PROGRAM_NAME} print-config > influx_config.ini   # a complete, commented configuration to edit
  $ ${PROGRAM_NAME} check --config influx_config.ini   # is every server reachable and writable?
  $ echo "weather,station=Kp temperature_c=-3.5" | ${PROGRAM_NAME} write   # logfile first, then every server
  $ ${PROGRAM_NAME} spool drain                        # deliver what a server did not take
  $ ${PROGRAM_NAME} replay eht-influx-log/ --server cloud --since 7d
  $ ${PROGRAM_NAME} export --server local -o dump.jsonl
  $ ${PROGRAM_NAME} convert day.jsonl -o day.lp        # a logfile in another format

Exit codes:
  0    all done
  1    some points not delivered, rejected, spooled or converted (bad lines),
       or (check) a server unreachable or refusing
  2    usage or configuration error
  130  stopped by Ctrl-C (what was done is kept, nothing is half-written)
  143  stopped by SIGTERM, 129 by SIGHUP: handled as Ctrl-C

Global options work before or after the command name.
Without a configuration file the built-in default is used (logfile only).`

/** The commander program: global options, every command of the index, exit override (the caller maps errors to exit codes). */
export function buildProgram(spec: ProgramSpec): Command {
  // An unknown option is named without its value (`--token=...` must not print the token).
  const program = new SafeCommand(PROGRAM_NAME)
  program
    .description('Event Horizon Telescope station monitoring data to InfluxDB: logfile first, every server, nothing lost.')
    .version(spec.version, '-V, --version', 'print the version and exit')
    .helpOption('-h, --help', 'show help')
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .configureOutput({
      writeOut: (text) => spec.writeOut(text),
      writeErr: (text) => spec.streams.stderr.write(text),
    })
    .exitOverride()
    .showSuggestionAfterError(true)
    .showHelpAfterError(`(run '${PROGRAM_NAME} --help' or '${PROGRAM_NAME} <command> --help' for usage)`)
    .addHelpText('after', PROGRAM_HELP)
  for (const option of globalOptionDefinitions()) program.addOption(option)

  for (const entry of spec.commands) {
    const command = program.command(entry.name).description(entry.summary).summary(entry.summary)
    const module = spec.loaded?.name === entry.name ? spec.loaded.module : undefined
    if (module === undefined) {
      command.allowUnknownOption().allowExcessArguments().action(() => {
        throw new CliError(`internal error: the module of command '${entry.name}' was not loaded`)
      })
      continue
    }
    module.configure(command)
    command.action(async (...params: unknown[]) => {
      const self = params.at(-1) as Command
      await spec.run(entry.name, module, self)
    })
  }
  return program
}
