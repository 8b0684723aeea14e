import type { FieldType, InfluxRecord } from './record.js'
import { JSON_STRING_SLOW, jsonValue } from './field-encoders.js'
import { NameCache, noFields } from './name-cache.js'
import { checkFrame } from './name-rules.js'
import type { RecordShape } from './record-shape.js'
import { compileShape, inTemplate, orUndefined } from './shape-code.js'
import { encodeLine, ShapeCache, type CompiledLine } from './shape-cache.js'

const NEEDS_JSON_ESCAPE = /["\\\x00-\x1f]/
const jsonString = (text: string) => (NEEDS_JSON_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`)

const measurements = new NameCache('measurement', jsonString)
const tagKeys = new NameCache('tag key', (key) => `${jsonString(key)}:`)
const tagValues = new NameCache('tag value', jsonString)
const fieldKeys = new NameCache('field key', (key) => `${jsonString(key)}:`)

/** The general encoder: any record, and the errors. */
export function encodeAnyJsonl(record: InfluxRecord): string {
  checkFrame(record)
  let line = `{"time":"${record.timestamp}","measurement":${measurements.get(record.measurement, 'measurement')},"tags":{`
  let separator = ''
  const tags = record.tags
  for (const key in tags) {
    const prefix = tagKeys.get(key, 'tags')
    const value = tagValues.get(tags[key]!, 'tags', key)
    if (tags[key] === '') continue
    line += separator + prefix + value
    separator = ','
  }
  line += '},"fields":{'
  separator = ''
  const fields = record.fields
  for (const key in fields) {
    line += separator + fieldKeys.get(key, 'fields') + jsonValue(key, fields[key]!)
    separator = ','
  }
  if (separator === '') noFields(record)
  return `${line}}}`
}

/** A field value in the line template, from the compiled checks' locals. */
const VALUE: Readonly<Record<FieldType, (i: number) => string>> = {
  float: (i) => `\${x${i}}`,
  integer: (i) => `{"i":"\${x${i}}"}`,
  unsigned: (i) => `{"u":"\${x${i}}"}`,
  string: (i) => `\${s${i}}`,
  boolean: (i) => `\${x${i} ? 'true' : 'false'}`,
}

const helpers = { tagText: orUndefined((value: string) => tagValues.get(value, 'tags')), stringSlow: JSON_STRING_SLOW, stringText: orUndefined(jsonValue) }

/** The line of one shape as a single template literal. */
export function compileJsonl(shape: RecordShape): CompiledLine {
  let line = inTemplate(`{"time":"`) + '${t}' + inTemplate(`","measurement":${jsonString(shape.measurement)},"tags":{`)
  let separator = ''
  shape.tags.forEach(({ key, empty }, i) => {
    if (empty) return
    line += `${inTemplate(`${separator}${jsonString(key)}:`)}\${E${i}}`
    separator = ','
  })
  line += inTemplate('},"fields":{')
  separator = ''
  shape.fields.forEach(({ key, type }, i) => {
    line += inTemplate(`${separator}${jsonString(key)}:`) + VALUE[type](i)
    separator = ','
  })
  return compileShape<CompiledLine>(shape, helpers, `return \`${line}}}\${G}\``)
}

/** The compiled shapes (exported for tests). */
export const jsonlShapes = new ShapeCache(compileJsonl)

/**
 * One JSONL line (no trailing newline): the timestamp first, as a decimal string of
 * nanoseconds, then measurement, tags and typed fields (in the record's key order), e.g.
 * `{"time":"1617672549204824064","measurement":"pps_offset","tags":{"station":"Kp"},"fields":{"offset":{"i":"-3"},"ok":true,"temp":21.5}}`.
 * Empty tag values are dropped. Throws `RecordError` for an invalid record (as `validateRecord`).
 * A shape (measurement, keys, types) that keeps coming back gets a compiled encoder of its own.
 */
export function encodeJsonl(record: InfluxRecord): string {
  return jsonlLine(record, '')
}

/** `encodeJsonl(record) + end` (the writer passes `\n`). */
export function jsonlLine(record: InfluxRecord, end: string): string {
  return encodeLine(jsonlShapes, encodeAnyJsonl, record, end)
}
