import type { Command } from 'commander'
import type { EHTConfig } from '@eht-influx-client/config'
import type { ExitCode } from './errors.js'
import type { GlobalOptions } from './global-options.js'
import type { Interrupt } from './interrupt.js'
import type { Output } from './output.js'
import type { Progress, ProgressOptions } from './progress.js'

/** What the framework gives a command's action. */
export interface CommandContext {
  readonly globals: GlobalOptions
  readonly output: Output
  readonly env: NodeJS.ProcessEnv
  readonly cwd: string
  /**
   * The configuration: --config or the config package's search order, with
   * --profile applied; its warnings (e.g. the built-in default is in use) are
   * printed once. A configuration error becomes a CliConfigError (exit 2).
   */
  loadConfig(): Promise<EHTConfig>
  /** Installs the Ctrl-C handler for a long command (see interrupt.ts); disposed when the command ends. */
  handleInterrupt(): Interrupt
  /** A progress bar (terminal) or periodic lines (not a terminal) on stderr; nothing with --quiet. */
  startProgress(options: ProgressOptions): Promise<Progress>
}

/** What a command's action returns; `json` is merged into the --json object. */
export interface CommandResult {
  exitCode: ExitCode
  json: Record<string, unknown>
}

/**
 * A command module (`src/commands/<name>.ts`). It is imported only when its
 * command is on the command line, so its own heavy dependencies (InfluxDB
 * client, writer, replay) must be imported dynamically inside `run` or by the
 * context (loadConfig).
 */
export interface CommandModule {
  /** Adds the arguments, options and help example (`addHelpText('after', ...)`) to the command. */
  configure(command: Command): void
  /**
   * Runs the command with its arguments as commander processed them (a
   * variadic one is an array) and its own options (globals are in the context).
   * Throw a CliError for a clear failure with its exit code.
   */
  run(context: CommandContext, args: readonly unknown[], options: Record<string, unknown>): Promise<CommandResult>
}
