import type { ReadStats } from '@eht-influx-client/logfile'
import { callSafely } from '@eht-influx-client/writer'

/** Where a replay stands; passed to `onProgress` at most a few times a second, and once at the end. */
export interface ReplayProgress {
  /** Bytes of the input read so far (decompressed for .gz), up to the last point read. */
  bytesRead: number
  /** Bytes of all input files (for .gz an estimate from the gzip trailer); at least bytesRead. */
  bytesTotal: number
  /** Points read from the input (after since / until / measurements). */
  pointsRead: number
  /** Points left out by since / until / measurements so far: it moves while a stretch of the input is filtered out. */
  pointsFiltered: number
  /** Points the servers accepted, summed over servers (in a dry run: points printed). */
  pointsSent: number
  /** pointsSent per second since the start. */
  pointsPerSecond: number
  /** Seconds left at the current read speed; undefined until it means something (a second into the replay, something read). */
  etaSeconds: number | undefined
  elapsedMs: number
  /** True on the last call. */
  done: boolean
}

/** No ETA before this much time: the first points read say nothing of the speed (12 281 s was once given for a 1.5 s replay). */
const MIN_ETA_MS = 1000

/**
 * What one reader of a replay has read: its points and, per file, the end of
 * the last point read. A replay with several servers reads the input once per
 * server (see replay.ts); the furthest reader is the replay's progress.
 */
export class ReadCounter {
  bytesRead = 0
  pointsRead = 0
  /** The reader's own counts (filtered points), once it is open. */
  stats: ReadStats | undefined
  private readonly offsets = new Map<string, number>()
  private lastFile: string | undefined
  private lastOffset = 0

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

  /** Where the last point read from `file` ends (0: none read). */
  offsetOf(file: string): number {
    return file === this.lastFile ? this.lastOffset : (this.offsets.get(file) ?? 0)
  }
}

/**
 * Keeps the counts of a replay and calls back every `intervalMs` from a timer
 * (so a stretch of filtered-out points, or a wait for a server, still shows),
 * never from the read loop: the hot path does nothing for progress but count.
 */
export class ProgressMeter {
  pointsSent = 0
  private readonly counters: ReadCounter[] = []
  private readonly startedAt: number
  private lastCall = -Infinity
  private timer: NodeJS.Timeout | undefined
  /** Set by finish() or stop(): the bytes actually read, as the summary reports them. */
  private finalBytes: number | undefined
  /** finish() was called: everything was read, so the total is what was read. */
  private finished = false

  constructor(
    private readonly bytesTotal: number,
    private readonly callback: ((progress: ReplayProgress) => void) | undefined,
    private readonly intervalMs = 250,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.startedAt = now()
  }

  /** A counter for one reader of the input. */
  counter(): ReadCounter {
    const counter = new ReadCounter()
    this.counters.push(counter)
    return counter
  }

  /** Bytes read by the furthest reader (after finish(): the bytes of the files read whole). */
  get bytesRead(): number {
    return this.finalBytes ?? this.furthest((c) => c.bytesRead)
  }

  get pointsRead(): number {
    return this.furthest((c) => c.pointsRead)
  }

  /** Where the furthest reader's last point of `file` ends. */
  offsetOf(file: string): number {
    return this.furthest((c) => c.offsetOf(file))
  }

  private furthest(of: (counter: ReadCounter) => number): number {
    let most = 0
    for (const counter of this.counters) most = Math.max(most, of(counter))
    return most
  }

  sent(points: number): void {
    this.pointsSent += points
  }

  /** Calls back every `intervalMs` until finish() or stop() (the timer does not keep the process alive). */
  start(): void {
    if (this.callback === undefined || this.timer !== undefined) return
    this.timer = setInterval(() => this.tick(), this.intervalMs).unref()
  }

  /** Stops the timer (the replay failed: no final call). */
  halt(): void {
    clearInterval(this.timer)
    this.timer = undefined
  }

  /** Calls back if the last call is at least `intervalMs` old. */
  tick(): void {
    if (this.callback === undefined) return
    const now = this.now()
    if (now - this.lastCall < this.intervalMs) return
    this.lastCall = now
    this.emit(now, false)
  }

  /** The final call: everything read; `bytesRead` is the bytes of the files read (see replay.ts), not the estimate. */
  finish(bytesRead = this.bytesRead): ReplayProgress {
    this.finalBytes = Math.max(bytesRead, this.furthest((c) => c.bytesRead))
    this.finished = true
    return this.emit(this.now(), true)
  }

  /** Like finish() but with the bytes up to the last point read (stopped early). */
  stop(): ReplayProgress {
    this.finalBytes = this.bytesRead
    return this.emit(this.now(), true)
  }

  private emit(now: number, done: boolean): ReplayProgress {
    if (done) {
      clearInterval(this.timer)
      this.timer = undefined
    }
    const elapsedMs = Math.max(0, now - this.startedAt)
    const seconds = elapsedMs / 1000
    const bytesRead = this.bytesRead
    // Once everything is read, the total is what was read: the estimate (a .gz trailer) may be off.
    const bytesTotal = this.finished ? bytesRead : Math.max(this.bytesTotal, bytesRead)
    const progress: ReplayProgress = {
      bytesRead,
      bytesTotal,
      pointsRead: this.pointsRead,
      pointsFiltered: this.furthest((c) => c.stats?.filtered ?? 0),
      pointsSent: this.pointsSent,
      pointsPerSecond: seconds > 0 ? this.pointsSent / seconds : 0,
      etaSeconds: done ? 0 : bytesRead > 0 && elapsedMs >= MIN_ETA_MS ? ((bytesTotal - bytesRead) * seconds) / bytesRead : undefined,
      elapsedMs,
      done,
    }
    // A progress display's own bug (a throw, or an async callback that rejects) must not stop the replay.
    callSafely(this.callback, progress)
    return progress
  }
}
