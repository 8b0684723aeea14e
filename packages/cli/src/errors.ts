const BRAND = Symbol.for('@eht-influx-client/cli/CliError')

/**
 * What the process exits with: 0 all done, 1 points not delivered / server refusing, 2 usage or configuration error,
 * 128 + the signal's number after a signal that stopped it cleanly: 130 Ctrl-C (SIGINT), 129 SIGHUP, 143 SIGTERM.
 */
export type ExitCode = 0 | 1 | 2 | 129 | 130 | 143

/** Base class of every error the command reports on purpose; `exitCode` is what the process exits with. */
export class CliError extends Error {
  readonly code: string
  readonly exitCode: ExitCode
  declare readonly [BRAND]: true

  constructor(message: string, options: { code?: string; exitCode?: ExitCode; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = options.code ?? 'EHT_CLI_ERROR'
    this.exitCode = options.exitCode ?? 1
    Object.defineProperty(this, BRAND, { value: true })
  }

  override get name(): string {
    return 'CliError'
  }

  /** True for a CliError from any copy of this package (not only this one's class). */
  static isInstance(value: unknown): value is CliError {
    if (typeof value !== 'object' || value === null) return false
    if ((value as Record<symbol, unknown>)[BRAND] === true) return true
    const { code, exitCode } = value as { code?: unknown; exitCode?: unknown }
    return value instanceof Error && typeof code === 'string' && code.startsWith('EHT_CLI_') && typeof exitCode === 'number'
  }
}

/** Defines a subclass with a stable name, code and exit code. */
function subclass(name: string, code: string, exitCode: ExitCode) {
  return class extends CliError {
    constructor(message: string, options: { cause?: unknown } = {}) {
      super(message, { code, exitCode, ...options })
    }
    override get name(): string {
      return name
    }
  }
}

/** Bad command line: unknown command or option, a missing or contradictory argument, an output that exists. Exit 2. */
export class UsageError extends subclass('UsageError', 'EHT_CLI_USAGE', 2) {}

/** The configuration could not be loaded; the message is the config package's (file, line, section, key). Exit 2. */
export class CliConfigError extends subclass('CliConfigError', 'EHT_CLI_CONFIG', 2) {}

/** An input file is missing, unreadable or of an unknown format. Exit 2. */
export class InputError extends subclass('InputError', 'EHT_CLI_INPUT', 2) {}

/** Output could not be written (disk full, permission): what was asked was not done. Exit 1. */
export class OutputError extends subclass('OutputError', 'EHT_CLI_OUTPUT', 1) {}

/** A server could not be read (export) or answered with an error. Exit 1. */
export class ServerError extends subclass('ServerError', 'EHT_CLI_SERVER', 1) {}

/** The signals a long command stops cleanly on, as on Ctrl-C. */
export type StopSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP'

/** 128 + the signal's number, what a shell reports for a process that signal ended. */
const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGHUP: 129, SIGTERM: 143 } as const satisfies Record<StopSignal, ExitCode>

/** How a message names the signal: "interrupted (Ctrl-C)", "terminated (SIGTERM)", "hung up (SIGHUP)". */
export function describeStopSignal(signal: StopSignal): string {
  return signal === 'SIGINT' ? 'interrupted (Ctrl-C)' : signal === 'SIGTERM' ? 'terminated (SIGTERM)' : 'hung up (SIGHUP)'
}

/** Ctrl-C (SIGINT), SIGTERM or SIGHUP stopped the command after it cleaned up. Exit 130, 143 or 129 (128 + the signal's number). */
export class InterruptedError extends CliError {
  readonly signal: StopSignal

  constructor(message?: string, options: { signal?: StopSignal; exitCode?: ExitCode; cause?: unknown } = {}) {
    const signal = options.signal ?? 'SIGINT'
    super(message ?? describeStopSignal(signal), { code: 'EHT_CLI_INTERRUPTED', exitCode: options.exitCode ?? SIGNAL_EXIT_CODES[signal], cause: options.cause })
    this.signal = signal
  }

  override get name(): string {
    return 'InterruptedError'
  }
}
