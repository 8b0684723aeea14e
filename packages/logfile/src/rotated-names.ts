import path from 'node:path'
import { withCounter } from './file-naming.js'
import { finestUnit, startOf, strftimeUtc, type TimeUnit } from './strftime.js'
import type { RotateOption } from './writer-options.js'

/** A plain logfile name that a writer's pattern makes: its name without the counter, the counter, and the period it was made for. */
export interface PatternFile {
  /** The absolute path without its counter (`/logs/Kp-20240101.jsonl` for `/logs/Kp-20240101.2.jsonl`). */
  base: string
  counter: number
  /** Start (ms) of the UTC period the name was made for; undefined when the pattern has no time field. */
  period: number | undefined
}

const FIELD_WIDTH: Readonly<Record<string, number>> = { Y: 4, m: 2, d: 2, H: 2, M: 2, S: 2 }
const escapeRegExp = (text: string) => text.replace(/[\\^$.*+?()[\]{}|/]/g, (c) => `\\${c}`)

/**
 * Reads back which names a writer's path pattern makes (`/logs/%Y/Kp-%Y%m%d.jsonl`,
 * with or without the `.N` counter of withCounter()), so that a sweep can tell the
 * writer's rotated files from anything else in the directory, and which period
 * each one was made for.
 */
export class RotatedNames {
  /** The time unit of the names (day, hour, or the pattern's finest field for size rotation). */
  readonly unit: TimeUnit | undefined
  private readonly regex: RegExp
  private readonly fields: string[] = []
  private readonly pattern: string
  /** How many fields come before the counter's group (the rest are in the extension). */
  private readonly stemFields: number

  constructor(pattern: string, rotate: RotateOption, directives: ReadonlySet<string>) {
    this.pattern = path.resolve(pattern)
    this.unit = rotate.kind === 'daily' ? 'day' : rotate.kind === 'hourly' ? 'hour' : finestUnit(directives)
    const ext = path.extname(this.pattern)
    const stem = this.pattern.slice(0, this.pattern.length - ext.length)
    const stemSource = this.source(stem)
    this.stemFields = this.fields.length
    this.regex = new RegExp(`^${stemSource}(?:\\.([1-9]\\d*))?${this.source(ext)}$`)
  }

  private source(text: string): string {
    let out = ''
    let from = 0
    for (let i = text.indexOf('%'); i >= 0; i = text.indexOf('%', from)) {
      out += escapeRegExp(text.slice(from, i))
      const directive = text[i + 1] ?? ''
      if (directive === '%') out += '%'
      else {
        out += `(\\d{${FIELD_WIDTH[directive] ?? 2}})`
        this.fields.push(directive)
      }
      from = i + 2
    }
    return out + escapeRegExp(text.slice(from))
  }

  /** The directories of the names for the period holding `ms` and for the one before it (a rotation may have crossed into a new directory). */
  dirsAround(ms: number): string[] {
    const now = path.dirname(strftimeUtc(this.pattern, new Date(ms)))
    if (this.unit === undefined) return [now]
    const before = path.dirname(strftimeUtc(this.pattern, new Date(startOf(this.unit, ms) - 1)))
    return before === now ? [now] : [now, before]
  }

  /** The name's parts when `file` (a plain logfile path) is one the pattern makes, else undefined. */
  parse(file: string): PatternFile | undefined {
    const absolute = path.resolve(file)
    const match = this.regex.exec(absolute)
    if (match === null) return undefined
    // Groups: the stem's fields, the counter, the extension's fields.
    const counterGroup = match[this.stemFields + 1]
    const counter = counterGroup === undefined ? 0 : Number(counterGroup)
    const values: Record<string, number> = { Y: 1970, m: 1, d: 1, H: 0, M: 0, S: 0 }
    this.fields.forEach((field, i) => (values[field] = Number(match[i + 1 + (i >= this.stemFields ? 1 : 0)])))
    const ms = Date.UTC(values.Y!, values.m! - 1, values.d!, values.H!, values.M!, values.S!)
    const base = strftimeUtc(this.pattern, new Date(ms))
    // A name whose fields are no date (`Kp-20240231`) or not as the pattern writes them is not one of ours.
    if (withCounter(base, counter) !== absolute) return undefined
    return { base, counter, period: this.unit === undefined || this.fields.length === 0 ? undefined : startOf(this.unit, ms) }
  }
}
