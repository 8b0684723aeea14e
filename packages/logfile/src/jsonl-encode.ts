import type { InfluxRecord } from './record.js'
import { jsonValue } from './field-encoders.js'
import { NameCache, noFields } from './name-cache.js'
import { checkFrame } from './name-rules.js'

const NEEDS_JSON_ESCAPE = /["\\\x00-\x1f]/
const jsonString = (text: string) => (NEEDS_JSON_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`)

const measurements = new NameCache('measurement', jsonString)
const tagKeys = new NameCache('tag key', (key) => `${jsonString(key)}:`)
const tagValues = new NameCache('tag value', jsonString)
const fieldKeys = new NameCache('field key', (key) => `${jsonString(key)}:`)

/**
 * One JSONL line (no trailing newline): the timestamp first, as a decimal string of
 * nanoseconds, then measurement, tags and typed fields (in the record's key order), e.g.
 * `{"time":"1617672549204824064","measurement":"pps_offset","tags":{"station":"Kp"},"fields":{"offset":{"i":"-3"},"ok":true,"temp":21.5}}`.
 * Empty tag values are dropped. Throws `RecordError` for an invalid record (as `validateRecord`).
 */
export function encodeJsonl(record: InfluxRecord): string {
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
