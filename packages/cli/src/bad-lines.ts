import type { BadLine } from '@eht-influx-client/logfile'
import { formatCount } from './format.js'
import type { Output } from './output.js'

/** Bad lines shown on stderr without --verbose (the rest are counted). */
export const SHOWN_BAD_LINES = 10
/** Bad lines kept for the --json object. */
const KEPT_SAMPLES = 100

/** `file:line[:column]` */
export function badLineLocation(bad: Pick<BadLine, 'file' | 'line' | 'column'>): string {
  return `${bad.file}:${bad.line}${bad.column === undefined ? '' : `:${bad.column}`}`
}

/**
 * Reports the input lines a command skipped: each as a warning naming
 * file:line[:column] and the reason (the first 10, all with --verbose),
 * counted, with the first 100 kept for the --json object.
 */
export class BadLineReport {
  count = 0
  readonly samples: BadLine[] = []

  constructor(private readonly output: Output) {}

  add(bad: BadLine): void {
    this.count += 1
    if (this.samples.length < KEPT_SAMPLES) this.samples.push(bad)
    // the column is in the location already
    const reason = bad.column === undefined ? bad.reason : bad.reason.replace(/^column \d+: /, '')
    if (this.output.verbose || this.count <= SHOWN_BAD_LINES) this.output.warn(`${badLineLocation(bad)}: bad line skipped: ${reason}`)
  }

  /** Says how many were not shown; call once at the end. */
  finish(): void {
    const hidden = this.output.verbose ? 0 : this.count - Math.min(this.count, SHOWN_BAD_LINES)
    if (hidden > 0) this.output.warn(`... and ${formatCount(hidden)} more bad lines (--verbose lists them all)`)
  }

  /** "no bad lines" / "1 bad line skipped" / "12 bad lines skipped" */
  describe(): string {
    return this.count === 0 ? 'no bad lines' : `${formatCount(this.count)} bad line${this.count === 1 ? '' : 's'} skipped`
  }
}
