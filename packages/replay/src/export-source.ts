import type { FieldType, InfluxRecord } from '@eht-influx-client/logfile'

/** A field a server holds with several types (one per shard): its measurement cannot be exported exactly. */
export interface FieldTypeConflict {
  measurement: string
  field: string
  types: FieldType[]
}

/** What an export reads, decided before the first window. */
export interface ExportPlan {
  /** The measurements to read (undefined: all, as the source finds them). */
  measurements: readonly string[] | undefined
  /** Measurements asked for that the server does not have. */
  unknown: string[]
  /** Fields with several types: their measurements are left out. */
  conflicts: FieldTypeConflict[]
  /** One message per unknown measurement and per measurement left out, saying what was not exported and why. */
  warnings: string[]
}

/** Where an export reads points from: one server, one window at a time. */
export interface ExportSource {
  /** Requests made so far. */
  readonly queries: number
  /** Checks the measurements asked for (all when undefined) before reading; a source without it reads them as asked. */
  plan?(measurements: readonly string[] | undefined, signal?: AbortSignal): Promise<ExportPlan>
  /**
   * The points of `measurements` (all when undefined) in [from, to); undefined once more than `cap` were read.
   * Rejects with ReplayAbortError as soon as `signal` aborts (the request is cut off).
   */
  read(measurements: readonly string[] | undefined, from: bigint, to: bigint, cap: number, signal?: AbortSignal): Promise<InfluxRecord[] | undefined>
  close(): void
}
