import type { FieldType, InfluxRecord } from '@eht-influx-client/logfile'
import { booleanText } from './lp-probe.js'
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

/** Where a FastRow puts the record of the row, when one is wanted. */
export interface RecordSlot {
  record: InfluxRecord | undefined
}

/**
 * The line for a row of the shape, or undefined when anything is unusual (then
 * the checked path takes over). With `out`, also the row's record, built in one
 * go (tags, then fields, in line-protocol order).
 */
export type FastRow = (row: Readonly<Record<string, unknown>>, out: RecordSlot | undefined, tagText: (value: string) => string | undefined) => string | undefined

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
const PLAIN_STRING = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/
const lit = (text: string) => JSON.stringify(text)

/** Code that reads field `c` into locals `p<i>` (its line-protocol value), `q<i>` (the value) and `t<i>` (its type), or returns undefined. */
function fieldCode(c: ShapeColumn, i: number): string | undefined {
  const name = lit(c.name)
  const set = (text: string, type: string) => `p${i} = ${text}; q${i} = v; t${i} = '${type}'`
  const number = `if (typeof v === 'number') { if (!isFinite(v)) return undefined; ${set('v', 'float')} }`
  const boolean = `if (typeof v === 'boolean') { ${set('v ? TRUE : FALSE', 'boolean')} }`
  const string = `if (typeof v === 'string' && PLAIN.test(v)) { ${set(`'"' + v + '"'`, 'string')} }`
  const bigint = `if (typeof v === 'bigint' && v >= I64MIN && v <= I64MAX) { ${set(`v + 'i'`, 'integer')} }`
  const byType: Record<string, string[]> = { float: [number], boolean: [boolean], string: [string], none: [number, boolean, string, bigint] }
  const cases = byType[c.declared ?? 'none']
  if (cases === undefined) return undefined
  return `v = r[${name}]\n${cases.join(' else ')} else return undefined`
}

/** A property name in an object literal (computed for __proto__, which a plain key would make the prototype). */
const key = (name: string) => (name === '__proto__' ? `[${lit(name)}]` : lit(name))

/** `text` inside a template literal. */
const inTemplate = (text: string) => text.replace(/[`\\$]/g, (ch) => `\\${ch}`)

/**
 * Compiles the encoder of one row shape (tags and fields in line-protocol
 * order) into a function with fixed property reads: several times faster than
 * the generic loop. Names appear in the code only as JSON string literals. It
 * handles the common types (strings, finite numbers, booleans, int64 bigints,
 * bigint timestamps); anything else returns undefined for the checked path.
 */
export function compileRow(measurement: string, columns: readonly ShapeColumn[], timestampColumn: string, rawMeasurement: string, withLine = true): FastRow | undefined {
  const cacheKey = JSON.stringify([measurement, rawMeasurement, timestampColumn, columns, withLine])
  if (compiled.has(cacheKey)) return compiled.get(cacheKey)
  const fast = build(measurement, columns, timestampColumn, rawMeasurement, withLine)
  // The same shapes come back call after call: reuse their (optimised) code.
  if (compiled.size >= 256) compiled.delete(compiled.keys().next().value!)
  compiled.set(cacheKey, fast)
  return fast
}

const compiled = new Map<string, FastRow | undefined>()

function build(measurement: string, columns: readonly ShapeColumn[], timestampColumn: string, rawMeasurement: string, withLine: boolean): FastRow | undefined {
  const code: string[] = []
  const tags: string[] = []
  const fields: string[] = []
  let template = inTemplate(measurement)
  let prefix = ' '
  columns.forEach((c, i) => {
    if (c.tag && c.constant !== undefined) {
      if (c.constant.text !== '') template += inTemplate(`,${c.key}=${c.constant.text}`)
      tags.push(`${key(c.name)}: ${lit(c.constant.raw)}`)
    } else if (c.tag) {
      code.push(`v = r[${lit(c.name)}]`, `if (typeof v !== 'string' || v === '' || (p${i} = tagText(v)) === undefined) return undefined`, `q${i} = v`)
      tags.push(`${key(c.name)}: q${i}`)
      template += `${inTemplate(`,${c.key}=`)}\${p${i}}`
    } else {
      code.push(fieldCode(c, i) ?? 'UNSUPPORTED')
      fields.push(`${key(c.name)}: { type: t${i}, value: q${i} }`)
      template += `${inTemplate(`${prefix}${c.key}=`)}\${p${i}}`
      prefix = ','
    }
  })
  if (prefix === ' ' || code.includes('UNSUPPORTED')) return undefined
  const locals = columns.flatMap((_, i) => [`p${i}`, `q${i}`, `t${i}`]).join(', ')
  code.push(`v = r[${lit(timestampColumn)}]`, `if (typeof v !== 'bigint' || v < MIN || v >= MAX) return undefined`)
  code.push(`if (out !== undefined) out.record = { measurement: MEASUREMENT, tags: { ${tags.join(', ')} }, fields: { ${fields.join(', ')} }, timestamp: v }`)
  // One template literal builds the line flat (no chain of partial strings); without a line, the checks only.
  code.push(withLine ? `return \`${template} \${v}\`` : `return ''`)
  const body = `let v${locals === '' ? '' : `, ${locals}`}\n${code.join('\n')}`
  const factory = new Function('PLAIN', 'MIN', 'MAX', 'I64MIN', 'I64MAX', 'TRUE', 'FALSE', 'MEASUREMENT', `return function fastRow(r, out, tagText) {\n${body}\n}`)
  return factory(PLAIN_STRING, PLAUSIBLE_MIN_NS, PLAUSIBLE_MAX_NS, INT64_MIN, INT64_MAX, booleanText(true), booleanText(false), rawMeasurement) as FastRow
}
