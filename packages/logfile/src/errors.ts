// Error classes of @eht-influx-client/logfile. One base, `LogfileError`, with a
// stable `name` and `code` per subclass; `isInstance()` checks a Symbol.for brand
// and the name, so it works across duplicate installs of this package.

const BRAND = Symbol.for('@eht-influx-client/logfile:LogfileError')

type ErrorClass<T> = (abstract new (...args: never[]) => T) & { readonly errorName: string }

export class LogfileError extends Error {
  static readonly errorName: string = 'LogfileError'
  static readonly errorCode: string = 'LOGFILE_ERROR'
  readonly code: string

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    const ctor = new.target as typeof LogfileError
    this.name = ctor.errorName
    this.code = ctor.errorCode
  }

  /** True for an error of this class (or, on `LogfileError`, of any subclass), also from another copy of the package. */
  static isInstance<T extends LogfileError>(this: ErrorClass<T>, value: unknown): value is T {
    if (typeof value !== 'object' || value === null || (value as Record<symbol, unknown>)[BRAND] !== true) return false
    return this.errorName === LogfileError.errorName || (value as { name?: unknown }).name === this.errorName
  }
}
Object.defineProperty(LogfileError.prototype, BRAND, { value: true })

/** A record that InfluxDB would reject or that a logfile cannot hold; `key` names the offending part. */
export class RecordError extends LogfileError {
  static override readonly errorName = 'RecordError'
  static override readonly errorCode = 'RECORD_INVALID'
  constructor(
    message: string,
    readonly key?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** A line that is not valid line protocol; `column` is 1-based (UTF-16 units). */
export class LineProtocolError extends LogfileError {
  static override readonly errorName = 'LineProtocolError'
  static override readonly errorCode = 'LINE_PROTOCOL_INVALID'
  constructor(
    message: string,
    readonly column: number,
    options?: { cause?: unknown },
  ) {
    super(`column ${column}: ${message}`, options)
  }
}

/** A JSONL line that is not JSON or does not match `jsonlLineSchema`. */
export class JsonlError extends LogfileError {
  static override readonly errorName = 'JsonlError'
  static override readonly errorCode = 'JSONL_INVALID'
  constructor(
    message: string,
    readonly column?: number,
    options?: { cause?: unknown },
  ) {
    super(column === undefined ? message : `column ${column}: ${message}`, options)
  }
}

/** An annotated-CSV row or annotation that cannot be read; `column` is the 1-based cell index. */
export class CsvError extends LogfileError {
  static override readonly errorName = 'CsvError'
  static override readonly errorCode = 'CSV_INVALID'
  constructor(
    message: string,
    readonly column?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** A time value that cannot be converted exactly (bad RFC 3339 text, NaN seconds, out of range). */
export class TimeError extends LogfileError {
  static override readonly errorName = 'TimeError'
  static override readonly errorCode = 'TIME_INVALID'
}

/** A bad `LogWriterOptions` value; `key` is the option path, e.g. `rotate.maxBytes`. */
export class LogWriterOptionsError extends LogfileError {
  static override readonly errorName = 'LogWriterOptionsError'
  static override readonly errorCode = 'WRITER_OPTIONS_INVALID'
  constructor(
    message: string,
    readonly key: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/**
 * Writing, syncing, rotating or compressing a logfile failed; `path` is the file.
 * From `append()`, `recordsWritten` is how many of its records (from the first on)
 * are in the file as whole lines: they are kept, the others are not (a disk that
 * filled up mid-write keeps the records before it). Undefined for other failures.
 */
export class LogWriteError extends LogfileError {
  static override readonly errorName = 'LogWriteError'
  static override readonly errorCode = 'WRITE_FAILED'
  readonly recordsWritten: number | undefined
  constructor(
    message: string,
    readonly path: string | undefined,
    options?: { cause?: unknown; recordsWritten?: number },
  ) {
    super(message, options)
    this.recordsWritten = options?.recordsWritten
  }
}

/** `append()` or `flush()` after `close()`. */
export class LogWriterClosedError extends LogfileError {
  static override readonly errorName = 'LogWriterClosedError'
  static override readonly errorCode = 'WRITER_CLOSED'
}

/** An input that cannot be read at all (missing file or directory, unknown format). Bad lines are not errors: see `onBadLine`. */
export class LogReadError extends LogfileError {
  static override readonly errorName = 'LogReadError'
  static override readonly errorCode = 'READ_FAILED'
  constructor(
    message: string,
    readonly path: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}
