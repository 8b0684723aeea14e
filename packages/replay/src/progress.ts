/** Where a replay stands; passed to `onProgress` at most a few times a second, and once at the end. */
export interface ReplayProgress {
  /** Bytes of the input read so far (decompressed for .gz). */
  bytesRead: number
  /** Bytes of all input files (for .gz the size recorded in the gzip trailer). */
  bytesTotal: number
  /** Points read from the input (after since / until / measurements). */
  pointsRead: number
  /** Points the servers accepted, summed over servers (in a dry run: points printed). */
  pointsSent: number
  /** pointsSent per second since the start. */
  pointsPerSecond: number
  /** Seconds left at the current read speed; undefined until something was read. */
  etaSeconds: number | undefined
  elapsedMs: number
  /** True on the last call. */
  done: boolean
}

/** Keeps the counts of a replay and calls back at most every `intervalMs`. */
export class ProgressMeter {
  bytesRead = 0
  pointsRead = 0
  pointsSent = 0
  private readonly offsets = new Map<string, number>()
  private readonly startedAt: number
  private lastCall = -Infinity
  private lastFile: string | undefined
  private lastOffset = 0

  constructor(
    private readonly bytesTotal: number,
    private readonly callback: ((progress: ReplayProgress) => void) | undefined,
    private readonly intervalMs = 250,
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now()
  }

  /** `points` read from `file` (default one), the last ending at `endOffset`. */
  read(file: string, endOffset: number, points = 1): void {
    this.pointsRead += points
    if (file !== this.lastFile) {
      if (this.lastFile !== undefined) this.offsets.set(this.lastFile, this.lastOffset)
      this.lastFile = file
      this.lastOffset = this.offsets.get(file) ?? 0
    }
    if (endOffset > this.lastOffset) {
      this.bytesRead += endOffset - this.lastOffset
      this.lastOffset = endOffset
    }
  }

  sent(points: number): void {
    this.pointsSent += points
  }

  /** Calls back if the last call is at least `intervalMs` old. */
  tick(): void {
    if (this.callback === undefined) return
    const now = this.now()
    if (now - this.lastCall < this.intervalMs) return
    this.lastCall = now
    this.emit(now, false)
  }

  /** The final call: everything read. */
  finish(): ReplayProgress {
    const now = this.now()
    if (this.bytesRead < this.bytesTotal) this.bytesRead = this.bytesTotal
    return this.emit(now, true)
  }

  /** Like finish() but keeps bytesRead as it is (stopped early). */
  stop(): ReplayProgress {
    return this.emit(this.now(), true)
  }

  private emit(now: number, done: boolean): ReplayProgress {
    const elapsedMs = Math.max(0, now - this.startedAt)
    const seconds = elapsedMs / 1000
    const bytesTotal = Math.max(this.bytesTotal, this.bytesRead)
    const progress: ReplayProgress = {
      bytesRead: this.bytesRead,
      bytesTotal,
      pointsRead: this.pointsRead,
      pointsSent: this.pointsSent,
      pointsPerSecond: seconds > 0 ? this.pointsSent / seconds : 0,
      etaSeconds: done ? 0 : this.bytesRead > 0 && seconds > 0 ? ((bytesTotal - this.bytesRead) * seconds) / this.bytesRead : undefined,
      elapsedMs,
      done,
    }
    try {
      this.callback?.(progress)
    } catch {
      // a progress display's own bug must not stop the replay
    }
    return progress
  }
}
