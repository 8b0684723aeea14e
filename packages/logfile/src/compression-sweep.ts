import fs from 'node:fs'
import path from 'node:path'
import { compressSettled, type HeldLines, sameFileState } from './compress.js'
import { leftoverOf, removeIfLeftover } from './compression-claim.js'
import type { CompressionJobs } from './compression-jobs.js'
import { LogfileError, LogWriteError } from './errors.js'
import type { RotatedNames } from './rotated-names.js'
import { startOf } from './strftime.js'
import type { RotateOption } from './writer-options.js'

/** How long a rotated file must go unwritten before it is compressed, when `compressGraceMs` is left out. */
export const DEFAULT_COMPRESS_GRACE_MS = 60_000
/** The least wait before looking again at a file that was not settled (a file still written to is not looked at in a loop). */
const MIN_RETRY_MS = 100
/**
 * The longest: a file that settles later (a long compressGraceMs, or busy) is looked at again after this
 * (setTimeout cuts a delay past 2^31-1 ms, 24.8 days, to 1 ms: a sweep every millisecond).
 */
const MAX_RETRY_MS = 3_600_000

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error))

/** A file as the sweep first saw it in its present state. */
interface Sighting {
  stat: fs.Stats
  at: number
}

export interface SweepSetup {
  names: RotatedNames
  rotate: RotateOption
  graceMs: number
  jobs: CompressionJobs
  /** What every compression does with lines it holds but cannot publish (a full disk): the writer's report, bound and rescue. */
  held: HeldLines
  /** The writer's clock (ms): which period is over. */
  nowMs: () => number
  onCompressed: () => void
  onError: (error: unknown) => void
}

/**
 * Compresses a writer's rotated files once they have settled, as logrotate's
 * delaycompress does: a plain file of the writer's pattern is compressed only
 * when no writer would choose it any more (time rotation: its period is over;
 * size rotation: a later numbered file of its name exists, or its period is
 * over) and nobody has written to it for `graceMs`, checked again right before
 * it is replaced by its `.gz` (compressSettled()). Sweeps run when the writer
 * opens and when it rotates; a file not settled yet is looked at again when it
 * could be (an unref'd timer: it keeps no process alive; close() stops it), at
 * the latest an hour later. A file whose mtime lies ahead of the clock (written
 * while the clock was ahead) settles `graceMs` after the sweep first saw it as
 * it is. A sweep also removes the claims and temporary files of compressions
 * whose process died (see removeIfLeftover()).
 */
export class CompressionSweep {
  private running: Promise<void> | undefined
  private readonly pending = new Set<string>()
  /** Directories to sweep again when the timer fires. */
  private readonly retryDirs = new Set<string>()
  private exclude: string | undefined
  private timer: NodeJS.Timeout | undefined
  private timerAt = Infinity
  private closed = false
  /** By file: when it was first seen as it is now (see FirstSeen). */
  private readonly sightings = new Map<string, Sighting>()

  constructor(private readonly setup: SweepSetup) {}

  /** Sweeps `dirs` (now, or after the sweep that runs), leaving `current` (the writer's own file) alone. */
  request(dirs: readonly string[], current: string | undefined): void {
    if (this.closed) return
    for (const dir of dirs) this.pending.add(dir)
    this.exclude = current === undefined ? undefined : path.resolve(current)
    this.running ??= this.drain().finally(() => (this.running = undefined))
  }

  /** Ends when no sweep runs. */
  async idle(): Promise<void> {
    while (this.running !== undefined) await this.running
  }

  /** No more sweeps but those requested already (idle() waits for them): stops the timer. */
  close(): void {
    this.closed = true
    clearTimeout(this.timer)
  }

  private async drain(): Promise<void> {
    while (this.pending.size > 0) {
      const dirs = [...this.pending]
      this.pending.clear()
      for (const dir of dirs) {
        try {
          await this.sweepDir(dir)
        } catch (error) {
          this.setup.onError(LogfileError.isInstance(error) ? error : new LogWriteError(`cannot compress the rotated logfiles in ${dir}: ${describe(error)}`, dir, { cause: error }))
        }
      }
    }
  }

  private async sweepDir(dir: string): Promise<void> {
    let entries: string[]
    try {
      entries = await fs.promises.readdir(dir)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return
      throw error
    }
    const { names, rotate } = this.setup
    const present = new Set(entries)
    const lastCounter = new Map<string, number>()
    const plain: { file: string; base: string; counter: number; period: number | undefined }[] = []
    for (const entry of entries) {
      const plainOf = leftoverOf(entry)
      if (plainOf !== undefined) {
        // Only those of this writer's files.
        if (names.parse(path.join(dir, plainOf)) !== undefined) await removeIfLeftover(dir, entry, present.has(plainOf))
        continue
      }
      const gz = entry.endsWith('.gz')
      const parsed = names.parse(path.join(dir, gz ? entry.slice(0, -3) : entry))
      if (parsed === undefined) continue
      lastCounter.set(parsed.base, Math.max(lastCounter.get(parsed.base) ?? 0, parsed.counter))
      if (!gz) plain.push({ file: path.join(dir, entry), ...parsed })
    }
    for (const file of this.sightings.keys()) if (path.dirname(file) === dir && !present.has(path.basename(file))) this.sightings.delete(file)
    const nowMs = this.setup.nowMs()
    const currentPeriod = names.unit === undefined ? undefined : startOf(names.unit, nowMs)
    for (const { file, base, counter, period } of plain) {
      if (path.resolve(file) === this.exclude) continue
      const periodOver = period !== undefined && currentPeriod !== undefined && period < currentPeriod
      const superseded = rotate.kind === 'size' && counter < lastCounter.get(base)! && (period === undefined || currentPeriod === undefined || period <= currentPeriod)
      if (periodOver || superseded) await this.compress(file)
    }
  }

  private async compress(file: string): Promise<void> {
    const job = compressSettled(file, this.setup.graceMs, (seen, stat) => this.firstSeen(seen, stat), this.setup.held)
    this.setup.jobs.add(
      file,
      job.then(
        () => undefined,
        () => undefined,
      ),
    )
    let outcome
    try {
      outcome = await job
    } catch (error) {
      this.setup.onError(LogfileError.isInstance(error) ? error : new LogWriteError(`cannot compress ${file}: ${describe(error)}`, file, { cause: error }))
      return
    }
    if (outcome.kind === 'compressed' || outcome.kind === 'gone') this.sightings.delete(file)
    if (outcome.kind === 'compressed') this.setup.onCompressed()
    else if (outcome.kind === 'unsettled') this.retryAt(path.dirname(file), outcome.settlesAt)
    // Another process compresses it: look again later, in case that process dies before it is done.
    else if (outcome.kind === 'busy') this.retryAt(path.dirname(file), Date.now() + Math.max(this.setup.graceMs, 1000))
  }

  /** Sweeps `dir` again once a file could have settled (real time; in an hour at the latest), or earlier if a sweep is due earlier anyway. */
  private retryAt(dir: string, settlesAt: number): void {
    if (this.closed) return
    this.retryDirs.add(dir)
    const now = Date.now()
    const at = Math.min(now + MAX_RETRY_MS, Math.max(now + MIN_RETRY_MS, settlesAt + 10))
    if (this.timer !== undefined && this.timerAt <= at) return
    clearTimeout(this.timer)
    this.timerAt = at
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.timerAt = Infinity
      const dirs = [...this.retryDirs]
      this.retryDirs.clear()
      this.request(dirs, this.exclude)
    }, at - now)
    this.timer.unref()
  }

  /** When `file` was first seen as `stat` shows it (now, if it changed since it was last seen). */
  private firstSeen(file: string, stat: fs.Stats): number {
    const last = this.sightings.get(file)
    if (last !== undefined && sameFileState(last.stat, stat)) return last.at
    const at = Date.now()
    this.sightings.set(file, { stat, at })
    return at
  }
}
