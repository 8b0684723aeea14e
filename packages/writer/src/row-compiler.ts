import type { FieldType, InfluxRecord } from '@eht-influx-client/logfile'
import { PLAUSIBLE_MAX_NS, PLAUSIBLE_MIN_NS } from './timestamps.js'

/** A column of one row shape, its key already checked and escaped. */
export interface ShapeColumn {
  name: string
  tag: boolean
  key: string
  declared: FieldType | undefined
  /** A default tag the rows of this shape do not have: always this value (raw, and escaped). */
  constant?: { raw: string; text: string }
}

/** The line for a row of the shape, or undefined when anything is unusual (then the checked path takes over). */
export type FastRow = (row: Readonly<Record<string, unknown>>, record: InfluxRecord | undefined, tagText: (value: string) => string | undefined) => string | undefined

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
const PLAIN_STRING = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/
const lit = (text: string) => JSON.stringify(text)

/** Code that reads field `c` into local `p<i>` (its line-protocol value) or returns undefined. */
function fieldCode(c: ShapeColumn, i: number): string | undefined {
  const name = lit(c.name)
  const put = (type: string) => `if (rec !== undefined) rec.fields[${name}] = { type: '${type}', value: v }`
  const number = `if (typeof v === 'number') { if (!isFinite(v)) return undefined; p${i} = v; ${put('float')} }`
  const boolean = `if (typeof v === 'boolean') { p${i} = v ? 'true' : 'false'; ${put('boolean')} }`
  const string = `if (typeof v === 'string' && PLAIN.test(v)) { p${i} = '"' + v + '"'; ${put('string')} }`
  const bigint = `if (typeof v === 'bigint' && v >= I64MIN && v <= I64MAX) { p${i} = v + 'i'; ${put('integer')} }`
  const byType: Record<string, string[]> = { float: [number], boolean: [boolean], string: [string], none: [number, boolean, string, bigint] }
  const cases = byType[c.declared ?? 'none']
  if (cases === undefined) return undefined
  return `v = r[${name}]\n${cases.join(' else ')} else return undefined`
}

/** `text` inside a template literal. */
const inTemplate = (text: string) => text.replace(/[`\\$]/g, (ch) => `\\${ch}`)

/**
 * Compiles the encoder of one row shape (tags and fields in line-protocol
 * order) into a function with fixed property reads: several times faster than
 * the generic loop. Names appear in the code only as JSON string literals. It
 * handles the common types (strings, finite numbers, booleans, int64 bigints,
 * bigint timestamps); anything else returns undefined for the checked path.
 */
export function compileRow(measurement: string, columns: readonly ShapeColumn[], timestampColumn: string): FastRow | undefined {
  const cacheKey = JSON.stringify([measurement, timestampColumn, columns])
  if (compiled.has(cacheKey)) return compiled.get(cacheKey)
  const fast = build(measurement, columns, timestampColumn)
  // The same shapes come back call after call: reuse their (optimised) code.
  if (compiled.size >= 256) compiled.delete(compiled.keys().next().value!)
  compiled.set(cacheKey, fast)
  return fast
}

const compiled = new Map<string, FastRow | undefined>()

function build(measurement: string, columns: readonly ShapeColumn[], timestampColumn: string): FastRow | undefined {
  const code: string[] = []
  let template = inTemplate(measurement)
  let prefix = ' '
  columns.forEach((c, i) => {
    if (c.tag && c.constant !== undefined) {
      if (c.constant.text !== '') template += inTemplate(`,${c.key}=${c.constant.text}`)
      code.push(`if (rec !== undefined) rec.tags[${lit(c.name)}] = ${lit(c.constant.raw)}`)
    } else if (c.tag) {
      code.push(`v = r[${lit(c.name)}]`, `if (typeof v !== 'string' || v === '' || (p${i} = tagText(v)) === undefined) return undefined`, `if (rec !== undefined) rec.tags[${lit(c.name)}] = v`)
      template += `${inTemplate(`,${c.key}=`)}\${p${i}}`
    } else {
      code.push(fieldCode(c, i) ?? 'UNSUPPORTED')
      template += `${inTemplate(`${prefix}${c.key}=`)}\${p${i}}`
      prefix = ','
    }
  })
  if (prefix === ' ' || code.includes('UNSUPPORTED')) return undefined
  const locals = columns.map((_, i) => `p${i}`).join(', ')
  code.push(`v = r[${lit(timestampColumn)}]`, `if (typeof v !== 'bigint' || v < MIN || v >= MAX) return undefined`, `if (rec !== undefined) rec.timestamp = v`)
  // One template literal builds the line flat (no chain of partial strings).
  code.push(`return \`${template} \${v}\``)
  const body = `let v${locals === '' ? '' : `, ${locals}`}\n${code.join('\n')}`
  const factory = new Function('PLAIN', 'MIN', 'MAX', 'I64MIN', 'I64MAX', `return function fastRow(r, rec, tagText) {\n${body}\n}`)
  return factory(PLAIN_STRING, PLAUSIBLE_MIN_NS, PLAUSIBLE_MAX_NS, INT64_MIN, INT64_MAX) as FastRow
}
