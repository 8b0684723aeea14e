// The public API of @eht-influx-client/cli: the `eht-influx-client` command as a
// function, and what a new command module needs (see command-index.ts).
export { main, cliVersion, type MainOptions } from './main.js'
export { COMMANDS, type CommandEntry } from './command-index.js'
export type { CommandContext, CommandModule, CommandResult } from './command.js'
export { CliError, UsageError, CliConfigError, InputError, OutputError, ServerError, InterruptedError, type ExitCode, type StopSignal } from './errors.js'
export { Output, type OutputStreams } from './output.js'
export type { GlobalOptions } from './global-options.js'
export type { Interrupt } from './interrupt.js'
export { startProgress, describeProgress, PROGRESS_INTERVAL_ENV, type Progress, type ProgressOptions, type ProgressSettings } from './progress.js'
