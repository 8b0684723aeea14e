import type { InfluxRecord } from './record.js'
import { escapeKey, escapeMeasurement } from './lp-escape.js'
import { lpValue } from './field-encoders.js'
import { NameCache, noFields } from './name-cache.js'
import { checkFrame } from './name-rules.js'

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

/**
 * One line of line protocol (no trailing newline), byte for byte what
 * `Point.toLineProtocol()` prints for the same point (booleans `T`/`F`), except
 * integers beyond 2^53, which stay exact (Point rounds them through a number).
 * Empty tag values are dropped. Throws `RecordError` for an invalid record (as `validateRecord`).
 */
export function encodeLineProtocol(record: InfluxRecord): string {
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
