import path from 'node:path'
import type { RotatePolicy } from './types.js'

// The logfile writer refuses, when it opens, a path that cannot work with the
// format and rotation; the same rules here make that a configuration error
// naming the file, line and key instead of a failure at the first write.

const NEEDED: Readonly<Record<string, readonly string[]>> = { daily: ['%Y', '%m', '%d'], hourly: ['%Y', '%m', '%d', '%H'] }
const FORMAT_OF: Readonly<Record<string, string>> = { '.jsonl': 'jsonl', '.csv': 'csv', '.lp': 'lp' }

/** The key at fault and what it should be, when the logfile writer could not use `pattern`; undefined when it can. */
export function logfilePathProblem(pattern: string, format: string, rotate: RotatePolicy): { key: 'path' | 'format'; expected: string } | undefined {
  if (pattern.endsWith('.gz')) return { key: 'path', expected: 'the name of the plain file, without .gz (set compress = true to gzip rotated files)' }
  const implied = FORMAT_OF[path.extname(pattern)]
  if (implied !== undefined && implied !== format) return { key: 'format', expected: `${implied}, as the extension of [logfile] path says (or give path the extension .${format})` }
  const missing = (NEEDED[rotate.kind] ?? []).filter((field) => !pattern.includes(field))
  if (missing.length > 0) {
    return { key: 'path', expected: `a path with ${missing.join(', ')} for rotate = ${rotate.kind}, or the file name would never change (such as ./eht-influx-log/eht-%Y-%m-%d.jsonl); or set rotate = none` }
  }
  return undefined
}
