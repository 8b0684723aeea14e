import { CliConfigError, CliError, InputError, OutputError, ServerError, UsageError } from './errors.js'

type CliErrorClass = new (message: string, options?: { cause?: unknown }) => CliError

/** The stable `code` of the writer's, replay's and logfile's errors -> what the command reports (and its exit code). */
const BY_CODE: Readonly<Record<string, CliErrorClass>> = {
  // @eht-influx-client/writer
  WRITER_CONFIG: CliConfigError,
  PROFILE_GUARD: CliConfigError,
  INVALID_INPUT: InputError,
  LOGFILE_WRITE: OutputError,
  SPOOL_DRAIN: OutputError,
  // @eht-influx-client/replay
  REPLAY_OPTIONS_INVALID: UsageError,
  CHECKPOINT_FAILED: OutputError,
  EXPORT_QUERY_FAILED: ServerError,
  EXPORT_DATA_INVALID: ServerError,
  EXPORT_OUTPUT_FAILED: OutputError,
  // @eht-influx-client/logfile
  READ_FAILED: InputError,
  WRITE_FAILED: OutputError,
}

/** Options of the library functions and the command-line options that set them. */
const OPTION_NAMES: Readonly<Record<string, string>> = { 'resume: false': '--no-resume', 'resume false': '--no-resume' }

/**
 * A library error as the CliError the command reports: a clear message, the
 * exit code its kind calls for (2: usage or configuration, 1: not done), the
 * original as `cause`. Anything else (and CliErrors) is returned unchanged.
 */
export function toCliError(error: unknown): unknown {
  if (CliError.isInstance(error) || !(error instanceof Error)) return error
  const code = (error as { code?: unknown }).code
  const Class = typeof code === 'string' ? BY_CODE[code] : undefined
  if (Class === undefined) return error
  let message = error.message
  for (const [library, option] of Object.entries(OPTION_NAMES)) message = message.replaceAll(library, option)
  return new Class(message, { cause: error })
}

/** Runs `work`, turning a library error into its CliError. */
export async function reportingLibraryErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    throw toCliError(error)
  }
}
