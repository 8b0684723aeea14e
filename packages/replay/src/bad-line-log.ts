import type { ErrorsConfig } from '@eht-influx-client/config'
import type { BadLine } from '@eht-influx-client/logfile'
import { callSafely, ErrorsFile, type LineSink, safeLineSink } from '@eht-influx-client/writer'

const PREFIX = 'eht-influx-client: replay:'

export function describeBadLine(bad: BadLine): string {
  const where = `${bad.file}:${bad.line}${bad.column === undefined ? '' : `:${bad.column}`}`
  // The position is in `where` already.
  return `${where}: bad line skipped: ${bad.column === undefined ? bad.reason : bad.reason.replace(/^column \d+: /, '')}`
}

/**
 * Bad input lines of a replay: counted, appended to the errors file as
 * `{"time","file","lineNumber","column","message","line"}` (writes folded
 * together, through the writer's ErrorsFile, so that lines of processes
 * appending to the same file at once never mix), and reported on stderr as `[errors] stderr` says (`every`: each
 * line; `summary`: one line at the end; `off`: nothing). With `record`
 * false (a dry run, which leaves no trace in the station's files) they are
 * counted and reported, not written to the errors file.
 */
export class BadLineLog {
  count = 0
  private pending: string[] = []
  private file: ErrorsFile | undefined
  private writing: Promise<void> | undefined
  private failure: string | undefined
  private readonly sink: LineSink

  constructor(
    private readonly errors: ErrorsConfig,
    sink: LineSink = process.stderr,
    private readonly callback?: (bad: BadLine) => void,
    private readonly record = true,
  ) {
    // Guarded as the writer guards its own report lines: a closed pipe (EPIPE, emitted as an 'error' event
    // that would end the process mid-replay, its checkpoint locks left behind), or a caller's sink that
    // throws or rejects, must not stop the replay; the lines are dropped instead.
    this.sink = safeLineSink(sink)
  }

  report(bad: BadLine): void {
    this.count++
    const message = describeBadLine(bad)
    if (this.errors.stderr === 'every') this.sink.write(`${PREFIX} ${message}\n`)
    // The caller's callback must not stop the replay (a throw, or an async callback that rejects).
    callSafely(this.callback, bad)
    if (!this.record) return
    const entry = { time: new Date().toISOString(), file: bad.file, lineNumber: bad.line, ...(bad.column === undefined ? {} : { column: bad.column }), message, line: bad.text }
    this.pending.push(JSON.stringify(entry))
    this.writing ??= this.drain()
  }

  private async drain(): Promise<void> {
    try {
      this.file ??= new ErrorsFile(this.errors.errorsFile)
      while (this.pending.length > 0) {
        const texts = this.pending
        this.pending = []
        await this.file.appendLines(texts)
      }
    } catch (error) {
      this.failure = `the errors file ${this.errors.errorsFile} could not be written (${(error as Error).message}); bad lines are only counted`
      this.pending = []
    } finally {
      this.writing = undefined
    }
  }

  /** Waits for the writes; prints the summary line; returns a warning when the errors file failed. */
  async close(): Promise<string | undefined> {
    while (this.writing !== undefined) await this.writing
    if (this.failure !== undefined && this.errors.stderr !== 'off') this.sink.write(`${PREFIX} ${this.failure}\n`)
    if (this.count > 0 && this.errors.stderr === 'summary') {
      const where = this.record ? `they are listed in ${this.errors.errorsFile}` : 'a dry run does not write them to the errors file'
      this.sink.write(`${PREFIX} ${this.count} bad lines skipped; ${where}\n`)
    }
    return this.failure
  }
}
