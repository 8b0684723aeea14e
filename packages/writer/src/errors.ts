const BRAND = Symbol.for('@eht-influx-client/writer.WriterError')

/** Base of every error the writer throws or reports. `code` and `name` are stable. */
export class WriterError extends Error {
  readonly code: string = 'WRITER_ERROR'

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    Object.defineProperty(this, BRAND, { value: true })
  }

  /**
   * True for an error of this class (on `WriterError`: of any subclass), also from
   * another copy of this package (no instanceof): a brand, then the subclass name.
   */
  static isInstance<T extends WriterError>(this: (abstract new (...args: never[]) => T) & { readonly name: string }, value: unknown): value is T {
    if (typeof value !== 'object' || value === null || (value as Record<symbol, unknown>)[BRAND] !== true) return false
    return this.name === 'WriterError' || (value as { name?: unknown }).name === this.name
  }
}

/** Bad input to `write()` / `writePoint()` / `writeRecord()`; names the row (index) and column. */
export class InvalidInputError extends WriterError {
  override readonly name = 'InvalidInputError'
  override readonly code = 'INVALID_INPUT'
  constructor(
    message: string,
    /** 0-based index of the bad row (point, line) in the call. */
    readonly row: number | undefined,
    /** The column (tag, field, timestamp) at fault, when known. */
    readonly column: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** `write()` (or `send()`) after `close()`. */
export class ClosedError extends WriterError {
  override readonly name = 'ClosedError'
  override readonly code = 'CLOSED'
}

/** A server's bucket breaks the `[client] profile` guard (test data in a prod bucket or the reverse). */
export class ProfileGuardError extends WriterError {
  override readonly name = 'ProfileGuardError'
  override readonly code = 'PROFILE_GUARD'
}

/** A configuration the writer cannot use (unknown server name, unreadable CA file...). */
export class WriterConfigError extends WriterError {
  override readonly name = 'WriterConfigError'
  override readonly code = 'WRITER_CONFIG'
}

/** The logfile could not be written: nothing of that call was sent. */
export class LogfileWriteError extends WriterError {
  override readonly name = 'LogfileWriteError'
  override readonly code = 'LOGFILE_WRITE'
}

/** A server refused our credentials (401/403) or the target (404...): points kept in the spool. */
export class ServerRefusedError extends WriterError {
  override readonly name = 'ServerRefusedError'
  override readonly code = 'SERVER_REFUSED'
  constructor(
    message: string,
    readonly server: string,
    readonly status: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** A server rejected points for good (400/422): they are in the errors file. */
export class PointsRejectedError extends WriterError {
  override readonly name = 'PointsRejectedError'
  override readonly code = 'POINTS_REJECTED'
  constructor(
    message: string,
    readonly server: string,
    readonly status: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** An error about one server's points, named by `server`. */
abstract class ServerError extends WriterError {
  constructor(
    message: string,
    readonly server: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** Delivery to a server failed after the retry policy: points spooled. */
export class DeliveryFailedError extends ServerError {
  override readonly name = 'DeliveryFailedError'
  override readonly code = 'DELIVERY_FAILED'
}

/**
 * Why points could be neither delivered nor spooled: `spool-full` (`[spool]
 * max_size` reached, or the disk full), `spool-unwritable` (the spool folder
 * cannot be written: permissions, a file in its place, too many open files...).
 */
export type DropReason = 'spool-full' | 'spool-unwritable'

/** The last drop of a server's points, or of a call's: why, the full message, and its short form. */
export interface DropCause {
  reason: DropReason
  message: string
  /**
   * What ran out, short: `[spool] max_size 10485760 bytes, 10485700 used`, or
   * the system error (`ENOSPC: no space left on device, write`).
   */
  detail: string
}

/**
 * The spool could not keep points (`reason`: `max_size` reached or the disk
 * full, or the spool not writable): they are only in the logfile. `spooled`:
 * how many of the points (the first ones) were kept before it ran out.
 */
export class SpoolFullError extends ServerError {
  override readonly name = 'SpoolFullError'
  override readonly code = 'SPOOL_FULL'
  readonly reason: DropReason
  readonly spooled: number
  /** What ran out, short (see {@link DropCause.detail}); the message by default. */
  readonly detail: string
  constructor(message: string, server: string, options?: { cause?: unknown; reason?: DropReason; spooled?: number; detail?: string }) {
    super(message, server, options)
    this.reason = options?.reason ?? 'spool-full'
    this.spooled = options?.spooled ?? 0
    this.detail = options?.detail ?? message
  }
}

/**
 * A drain of the spool stopped on a file operation (disk full, permissions, an
 * I/O error): the points stay in the spool, and the drain is tried again later.
 */
export class SpoolDrainError extends ServerError {
  override readonly name = 'SpoolDrainError'
  override readonly code = 'SPOOL_DRAIN'
}

/** A line of a spool file that cannot be read back (torn by a crash): skipped; the logfile has the point. */
export class SpoolLineError extends WriterError {
  override readonly name = 'SpoolLineError'
  override readonly code = 'SPOOL_BAD_LINE'
}
