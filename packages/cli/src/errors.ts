const BRAND = Symbol.for('@eht-influx-client/cli/CliError')

/** What the process exits with: 0 all done, 1 points not delivered / server refusing, 2 usage or configuration error, 130 interrupted. */
export type ExitCode = 0 | 1 | 2 | 130

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

/** Ctrl-C (SIGINT) stopped the command after it cleaned up. Exit 130. */
export class InterruptedError extends subclass('InterruptedError', 'EHT_CLI_INTERRUPTED', 130) {
  constructor(message = 'interrupted (Ctrl-C)') {
    super(message)
  }
}
