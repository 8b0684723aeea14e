import fs from 'node:fs'
import path from 'node:path'

/** Bytes in the whole `[spool] dir` against `max_size`, shared by the servers of one client. */
export class SpoolBudget {
  constructor(
    readonly maxBytes: number,
    public usedBytes: number,
  ) {}

  /** Measures what the spool directory already holds (every server's folder). */
  static async measure(dir: string, maxBytes: number): Promise<SpoolBudget> {
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
    return new SpoolBudget(maxBytes, used)
  }

  /** Takes `bytes` from the budget; false (and nothing taken) when it would pass max_size. */
  reserve(bytes: number): boolean {
    if (this.usedBytes + bytes > this.maxBytes) return false
    this.usedBytes += bytes
    return true
  }

  release(bytes: number): void {
    this.usedBytes = Math.max(0, this.usedBytes - bytes)
  }
}
