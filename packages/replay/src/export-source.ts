import type { InfluxRecord } from '@eht-influx-client/logfile'

/** Where an export reads points from: one server, one window at a time. */
export interface ExportSource {
  /** Requests made so far. */
  readonly queries: number
  /**
   * The points of `measurements` (all when undefined) in [from, to); undefined once more than `cap` were read.
   * Rejects with ReplayAbortError as soon as `signal` aborts (the request is cut off).
   */
  read(measurements: readonly string[] | undefined, from: bigint, to: bigint, cap: number, signal?: AbortSignal): Promise<InfluxRecord[] | undefined>
  close(): void
}
