import fs from 'node:fs'
import path from 'node:path'
import { monotonicMs } from './monotonic-clock.js'
import { listUnconfiguredSpool, OPEN_SUFFIX, sealedName } from './spool.js'

/** The least time between two counts of the spool folder (a full spool must not turn every append into a walk). */
const MEASURE_INTERVAL_MS = 1000


/**
 * Bytes of the files in `dir` and its server folders, but not of the files
 * `skip` names (counted from memory by the caller); `counted`: the files whose
 * size was read.
 */
async function sizeOf(dir: string, skip: (file: string) => boolean = () => false): Promise<{ bytes: number; counted: Set<string> }> {
  let bytes = 0
  const counted = new Set<string>()
  const size = (file: string) => fs.promises.stat(file).then((s) => s.size, () => undefined)
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
      else if (entry.isFile() && !skip(full)) {
        let file = full
        let found = await size(file)
        // A `.open` file sealed (renamed) since the folder was listed: its bytes are under the sealed name.
        if (found === undefined && file.endsWith(OPEN_SUFFIX)) found = await size((file = sealedName(file)))
        if (found !== undefined && !counted.has(file)) {
          bytes += found
          counted.add(file)
        }
      }
    }
  }
  await walk(dir, 0)
  return { bytes, counted }
}

/** Spool folders of servers no longer configured: their bytes, folder names and paths. */
export interface UnconfiguredSpool {
  bytes: number
  names: string[]
  folders: string[]
}

/**
 * Bytes in the whole `[spool] dir` against `max_size`, shared by the servers of
 * one client. Counted from disk at the start, then kept up to date by this
 * process's appends and deletions; other processes (a second client, `spool
 * drain`) delete files too, so before it says "full" it counts the disk again.
 */
export class SpoolBudget {
  /** Bytes reserved for appends not yet known to be on disk. */
  private pending = 0
  /**
   * This budget's `.open` files being written -> the bytes known to be on disk
   * in them. A count of the folder takes their size from here, not from the
   * disk: an append in progress may be on disk already and still pending, and
   * would be counted twice.
   */
  private readonly open = new Map<string, number>()
  /** Files sealed while a count of the folder is going on -> their size (it may have listed them as `.open`). */
  private sealedDuringCount: Map<string, number> | undefined
  /** When the folder was last counted (monotonic clock: a step of the wall clock must not stop the counts). */
  private measuredAt = monotonicMs()
  private measuring: Promise<void> | undefined
  /** The configured servers (set by the delivery): folders of others in the spool are named when it is full. */
  servers: readonly string[] | undefined
  private note: { at: number; found: Promise<UnconfiguredSpool | undefined> } | undefined

  constructor(
    readonly maxBytes: number,
    public usedBytes: number,
    /** The spool folder, counted again when the budget runs out; without it, never. */
    private readonly dir?: string,
  ) {}

  /** Measures what the spool directory already holds (every server's folder). */
  static async measure(dir: string, maxBytes: number): Promise<SpoolBudget> {
    return new SpoolBudget(maxBytes, (await sizeOf(dir)).bytes, dir)
  }

  /**
   * For a "spool is full" error: the bytes in folders of servers no longer
   * configured, which nobody delivers (undefined when none; looked at once in 5 s).
   */
  unconfigured(): Promise<UnconfiguredSpool | undefined> {
    if (this.dir === undefined || this.servers === undefined) return Promise.resolve(undefined)
    if (this.note === undefined || monotonicMs() - this.note.at > 5000) {
      const dir = this.dir
      const found = listUnconfiguredSpool(dir, this.servers).then(
        (files) => {
          if (files.length === 0) return undefined
          const names = [...new Set(files.map((f) => f.server))]
          return { bytes: files.reduce((sum, f) => sum + f.bytes, 0), names, folders: names.map((name) => path.join(dir, name)) }
        },
        () => undefined,
      )
      this.note = { at: monotonicMs(), found }
    }
    return this.note.found
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
    if (this.dir === undefined || monotonicMs() - this.measuredAt < MEASURE_INTERVAL_MS) return false
    await (this.measuring ??= this.recount(this.dir).finally(() => (this.measuring = undefined)))
    return this.reserve(bytes)
  }

  private async recount(dir: string): Promise<void> {
    const sealed = (this.sealedDuringCount = new Map())
    try {
      const { bytes, counted } = await sizeOf(dir, (file) => this.open.has(file))
      // From here on without a pause: this process's files and appends as they stand now, each counted once.
      let own = 0
      for (const [file, size] of [...this.open, ...sealed]) if (!counted.has(sealedName(file))) own += size
      this.usedBytes = bytes + own + this.pending
      this.measuredAt = monotonicMs()
    } finally {
      this.sealedDuringCount = undefined
    }
  }

  /** `file` (a `.open` file, new and empty) is written through this budget from now on. */
  opened(file: string): void {
    this.open.set(file, 0)
  }

  /** `file` is no longer written (sealed, or left `.open` after a failure): counts of the folder read it from disk. */
  closed(file: string): void {
    const size = this.open.get(file)
    if (size === undefined) return
    this.open.delete(file)
    this.sealedDuringCount?.set(file, size)
  }

  /** Reserved bytes are now on disk (in `file`, one of opened()). */
  written(bytes: number, file?: string): void {
    this.pending = Math.max(0, this.pending - bytes)
    const size = file === undefined ? undefined : this.open.get(file)
    if (size !== undefined) this.open.set(file!, size + bytes)
  }

  /** Reserved bytes that were not written after all, or deleted ones. */
  release(bytes: number, reserved = false): void {
    if (reserved) this.written(bytes)
    this.usedBytes = Math.max(0, this.usedBytes - bytes)
  }
}
