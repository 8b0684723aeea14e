import path from 'node:path'
import { finestUnit, nextStart, startOf, strftimeUtc, type TimeUnit } from './strftime.js'
import type { RotateOption } from './writer-options.js'

/** `a/b.jsonl`, 2 -> `a/b.2.jsonl`: the name of the n-th size-rotated file (n = 0 is the name itself). */
export function withCounter(file: string, n: number): string {
  if (n === 0) return file
  const ext = path.extname(file)
  return ext === '' ? `${file}.${n}` : `${file.slice(0, -ext.length)}.${n}${ext}`
}

/** True for a name ending in `.gz`, in any case (`.GZ`), as the other extensions are read. */
export const isGzipPath = (file: string): boolean => file.length > 3 && file.charCodeAt(file.length - 3) === 0x2e && file.slice(-2).toLowerCase() === 'gz'

/**
 * `a/b.jsonl` -> `a/b.0.jsonl` (and `a/b.jsonl.gz` -> `a/b.0.jsonl.gz`): what to sort a
 * logfile name by, numerically, so that the name itself (counter 0, the oldest) comes
 * before its numbered successors `a/b.1.jsonl`, `a/b.2.jsonl`... (plain sorting puts the
 * digits before the extension's letters).
 */
export function counterSortKey(file: string): string {
  const gz = isGzipPath(file) ? 3 : 0
  const plain = file.slice(0, file.length - gz)
  const ext = path.extname(plain)
  return `${plain.slice(0, plain.length - ext.length)}.0${file.slice(plain.length - ext.length)}`
}

/**
 * The file name a writer uses at a given time: the pattern formatted at the start
 * of the current day (daily) or hour (hourly), at the time itself (size: the
 * pattern's own fields change the name), or once (none). All processes format
 * the same name for the same period, so they share the file.
 */
export class FileNaming {
  private readonly unit: TimeUnit | undefined
  private readonly fixed: boolean
  private from = Infinity
  private until = -Infinity
  private base = ''

  constructor(
    private readonly pattern: string,
    rotate: RotateOption,
    directives: ReadonlySet<string>,
  ) {
    this.fixed = rotate.kind === 'none'
    this.unit = rotate.kind === 'daily' ? 'day' : rotate.kind === 'hourly' ? 'hour' : finestUnit(directives)
  }

  /** The base name at `ms` (ms since the epoch); cheap while the period lasts. */
  at(ms: number): string {
    if (this.base !== '' && (this.fixed || (ms >= this.from && ms < this.until))) return this.base
    if (this.unit === undefined || this.fixed) {
      this.base = strftimeUtc(this.pattern, new Date(ms))
      return this.base
    }
    this.from = startOf(this.unit, ms)
    this.until = nextStart(this.unit, ms)
    this.base = strftimeUtc(this.pattern, new Date(this.from))
    return this.base
  }
}
