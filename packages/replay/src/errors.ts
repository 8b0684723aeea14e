// Error classes of @eht-influx-client/replay. One base, `ReplayError`, with a
// stable `name` and `code` per subclass; `isInstance()` checks a Symbol.for
// brand and the name, so it works across duplicate installs of this package.

const BRAND = Symbol.for('@eht-influx-client/replay:ReplayError')

type ErrorClass<T> = (abstract new (...args: never[]) => T) & { readonly errorName: string }

export class ReplayError extends Error {
  static readonly errorName: string = 'ReplayError'
  static readonly errorCode: string = 'REPLAY_ERROR'
  readonly code: string

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    const ctor = new.target as typeof ReplayError
    this.name = ctor.errorName
    this.code = ctor.errorCode
  }

  /** True for an error of this class (on `ReplayError`: of any subclass), also from another copy of the package. */
  static isInstance<T extends ReplayError>(this: ErrorClass<T>, value: unknown): value is T {
    if (typeof value !== 'object' || value === null || (value as Record<symbol, unknown>)[BRAND] !== true) return false
    return this.errorName === ReplayError.errorName || (value as { name?: unknown }).name === this.errorName
  }
}
Object.defineProperty(ReplayError.prototype, BRAND, { value: true })

/** A bad option of `replay`, `drainSpool` or `exportToLogfile`; `key` names it (e.g. `rateLimit.pointsPerSecond`). */
export class ReplayOptionsError extends ReplayError {
  static override readonly errorName = 'ReplayOptionsError'
  static override readonly errorCode = 'REPLAY_OPTIONS_INVALID'
  constructor(
    message: string,
    readonly key: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** A checkpoint file that cannot be read, parsed or written; `file` names it. */
export class CheckpointError extends ReplayError {
  static override readonly errorName = 'CheckpointError'
  static override readonly errorCode = 'CHECKPOINT_FAILED'
  constructor(
    message: string,
    readonly file: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** A server answered an export query with an error (or not at all); `status` is the HTTP status when there was one. */
export class ExportQueryError extends ReplayError {
  static override readonly errorName = 'ExportQueryError'
  static override readonly errorCode = 'EXPORT_QUERY_FAILED'
  constructor(
    message: string,
    readonly server: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** A query answer that cannot be turned into records (unknown field type, bad timestamp, malformed response). */
export class ExportDataError extends ReplayError {
  static override readonly errorName = 'ExportDataError'
  static override readonly errorCode = 'EXPORT_DATA_INVALID'
  constructor(
    message: string,
    readonly server: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** The export's output file cannot be used (it exists and is not empty, or cannot be written). */
export class ExportOutputError extends ReplayError {
  static override readonly errorName = 'ExportOutputError'
  static override readonly errorCode = 'EXPORT_OUTPUT_FAILED'
  constructor(
    message: string,
    readonly file: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/**
 * An export (or drain) stopped by its AbortSignal. Its `name` is "AbortError"
 * and its `code` "ABORT_ERR", as for Node's own aborted operations; `cause` is
 * the signal's reason. What was written before the abort stays, in whole lines.
 */
export class ReplayAbortError extends ReplayError {
  static override readonly errorName = 'AbortError'
  static override readonly errorCode = 'ABORT_ERR'
}
