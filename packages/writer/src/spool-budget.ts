import fs from 'node:fs'
import path from 'node:path'

/** The least time between two counts of the spool folder (a full spool must not turn every append into a walk). */
const MEASURE_INTERVAL_MS = 1000

/** Bytes of the files in `dir` and its server folders. */
async function sizeOf(dir: string): Promise<number> {
  let used = 0
  const walk = async (folder: string, depth: number): Promise<void> => {
    let entries: fs.Dirent[]
    try {
      entries = await fs.promises.readdir(folder, { withFileTypes: true })
    } catch {
      return
    }
    for (const entry of entries) {
      const full = path.join(folder, entry.name)
      if (entry.isDirectory() && depth < 2) await walk(full, depth + 1)
      else if (entry.isFile()) used += (await fs.promises.stat(full).catch(() => ({ size: 0 }))).size
    }
  }
  await walk(dir, 0)
  return used
}

/**
 * Bytes in the whole `[spool] dir` against `max_size`, shared by the servers of
 * one client. Counted from disk at the start, then kept up to date by this
 * process's appends and deletions; other processes (a second client, `spool
 * drain`) delete files too, so before it says "full" it counts the disk again.
 */
export class SpoolBudget {
  /** Bytes reserved for appends not yet on disk (a count of the disk does not see them). */
  private pending = 0
  private measuredAt = Date.now()
  private measuring: Promise<void> | undefined

  constructor(
    readonly maxBytes: number,
    public usedBytes: number,
    /** The spool folder, counted again when the budget runs out; without it, never. */
    private readonly dir?: string,
  ) {}

  /** Measures what the spool directory already holds (every server's folder). */
  static async measure(dir: string, maxBytes: number): Promise<SpoolBudget> {
    return new SpoolBudget(maxBytes, await sizeOf(dir), dir)
  }

  /** Takes `bytes` from the budget; false (and nothing taken) when it would pass max_size. */
  reserve(bytes: number): boolean {
    if (this.usedBytes + bytes > this.maxBytes) return false
    this.usedBytes += bytes
    this.pending += bytes
    return true
  }

  /**
   * reserve(), but when the budget looks spent, first counts the spool folder
   * again (at most once a second): another drainer may have delivered and
   * deleted files this process counted.
   */
  async reserveOrRecount(bytes: number): Promise<boolean> {
    if (this.reserve(bytes)) return true
    if (this.dir === undefined || Date.now() - this.measuredAt < MEASURE_INTERVAL_MS) return false
    await (this.measuring ??= this.recount(this.dir).finally(() => (this.measuring = undefined)))
    return this.reserve(bytes)
  }

  private async recount(dir: string): Promise<void> {
    const onDisk = await sizeOf(dir)
    this.usedBytes = onDisk + this.pending
    this.measuredAt = Date.now()
  }

  /** Reserved bytes are now on disk. */
  written(bytes: number): void {
    this.pending = Math.max(0, this.pending - bytes)
  }

  /** Reserved bytes that were not written after all, or deleted ones. */
  release(bytes: number, reserved = false): void {
    if (reserved) this.written(bytes)
    this.usedBytes = Math.max(0, this.usedBytes - bytes)
  }
}
