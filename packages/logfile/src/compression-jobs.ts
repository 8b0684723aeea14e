/**
 * The background compressions of one writer: every one started for `settled()`,
 * and by file, so that a writer going back to a file waits for all of its
 * compressions (two can run for one file: a later one must not hide an earlier one).
 * Jobs must not reject (the writer reports their errors itself).
 */
export class CompressionJobs {
  private readonly all = new Set<Promise<void>>()
  private readonly byFile = new Map<string, Promise<void>>()

  add(file: string, job: Promise<void>): void {
    this.all.add(job)
    void job.finally(() => this.all.delete(job))
    const forFile = Promise.all([this.byFile.get(file), job]).then(() => undefined)
    this.byFile.set(file, forFile)
    void forFile.finally(() => {
      if (this.byFile.get(file) === forFile) this.byFile.delete(file)
    })
  }

  /** Ends when every compression of `file` started so far has ended; undefined when none runs. */
  of(file: string): Promise<void> | undefined {
    return this.byFile.get(file)
  }

  /** Waits for every compression started so far. */
  async settled(): Promise<void> {
    await Promise.all([...this.all])
  }
}
