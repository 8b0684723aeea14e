import type { FieldType, InfluxRecord } from './record.js'
import { escapeKey, escapeMeasurement } from './lp-escape.js'
import { LP_STRING_SLOW, lpValue } from './field-encoders.js'
import { NameCache, noFields } from './name-cache.js'
import { checkFrame } from './name-rules.js'
import type { RecordShape } from './record-shape.js'
import { compileShape, inTemplate, orUndefined } from './shape-code.js'
import { encodeLine, ShapeCache, type CompiledLine } from './shape-cache.js'

/**
 * Sorted keys (line protocol wants tags sorted; Point.toLineProtocol() also sorts
 * fields), by UTF-16 code units as Array.prototype.sort() does. An insertion sort:
 * records have a handful of keys, often already in order.
 */
export function sortedKeys(object: object): string[] {
  const keys = Object.keys(object)
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!
    let j = i - 1
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!
      j--
    }
    keys[j + 1] = key
  }
  return keys
}

const measurements = new NameCache('measurement', escapeMeasurement)
const tagKeys = new NameCache('tag key', (key) => `,${escapeKey(key)}=`)
const tagValues = new NameCache('tag value', escapeKey)
const fieldKeys = new NameCache('field key', (key) => `${escapeKey(key)}=`)

/** The general encoder: any record, and the errors. */
export function encodeAnyLineProtocol(record: InfluxRecord): string {
  checkFrame(record)
  let line = measurements.get(record.measurement, 'measurement')
  const tags = record.tags
  for (const key of sortedKeys(tags)) {
    const prefix = tagKeys.get(key, 'tags')
    const value = tagValues.get(tags[key]!, 'tags', key)
    if (value !== '') line += prefix + value
  }
  const fields = record.fields
  let separator = ' '
  for (const key of sortedKeys(fields)) {
    line += separator + fieldKeys.get(key, 'fields') + lpValue(key, fields[key]!)
    separator = ','
  }
  if (separator === ' ') noFields(record)
  return `${line} ${record.timestamp}`
}

/** A field value in the line template, from the compiled checks' locals. */
const VALUE: Readonly<Record<FieldType, (i: number) => string>> = {
  float: (i) => `\${x${i}}`,
  integer: (i) => `\${x${i}}i`,
  unsigned: (i) => `\${x${i}}u`,
  string: (i) => `\${s${i}}`,
  boolean: (i) => `\${x${i} ? 'T' : 'F'}`,
}

const helpers = { tagText: orUndefined((value: string) => tagValues.get(value, 'tags')), stringSlow: LP_STRING_SLOW, stringText: orUndefined(lpValue) }

/** The line of one shape as a single template literal, tags and fields sorted as the general encoder sorts them. */
export function compileLineProtocol(shape: RecordShape): CompiledLine {
  const byKey = <T extends { key: string }>(items: readonly T[]) => items.map((item, i) => ({ ...item, i })).sort((a, b) => (a.key < b.key ? -1 : 1))
  let line = inTemplate(escapeMeasurement(shape.measurement))
  for (const { key, empty, i } of byKey(shape.tags)) if (!empty) line += `${inTemplate(`,${escapeKey(key)}=`)}\${E${i}}`
  let separator = ' '
  for (const { key, type, i } of byKey(shape.fields)) {
    line += inTemplate(`${separator}${escapeKey(key)}=`) + VALUE[type](i)
    separator = ','
  }
  return compileShape<CompiledLine>(shape, helpers, `return \`${line} \${t}\${G}\``)
}

/** The compiled shapes (exported for tests). */
export const lineProtocolShapes = new ShapeCache(compileLineProtocol)

/**
 * One line of line protocol (no trailing newline), byte for byte what
 * `Point.toLineProtocol()` prints for the same point (booleans `T`/`F`), except
 * integers beyond 2^53, which stay exact (Point rounds them through a number).
 * Empty tag values are dropped. Throws `RecordError` for an invalid record (as `validateRecord`).
 * A shape (measurement, keys, types) that keeps coming back gets a compiled encoder of its own.
 */
export function encodeLineProtocol(record: InfluxRecord): string {
  return lineProtocolLine(record, '')
}

/** `encodeLineProtocol(record) + end` (the writer passes `\n`). */
export function lineProtocolLine(record: InfluxRecord, end: string): string {
  return encodeLine(lineProtocolShapes, encodeAnyLineProtocol, record, end)
}
