import { RecordError } from './errors.js'
import type { InfluxRecord } from './record.js'
import { checkField, checkFrame } from './name-rules.js'
import { NameCache, noFields } from './name-cache.js'

// Names repeat from record to record: each distinct one is checked once.
const measurements = new NameCache('measurement', (name) => name)
const tagKeys = new NameCache('tag key', (name) => name)
const tagValues = new NameCache('tag value', (name) => name)
const fieldKeys = new NameCache('field key', (name) => name)

/** The caches of names that passed the checks, for decoders that check names as they scan them (lp-decode.ts). */
export const validNames = { measurements, tagKeys, tagValues, fieldKeys }

/**
 * Throws a `RecordError` naming the key when InfluxDB would reject the record or
 * a logfile could not hold it. Empty tag values are allowed: every encoder drops
 * them, as the official client does.
 */
export function validateRecord(record: InfluxRecord): void {
  checkRecord(record, false)
}

/**
 * validateRecord(), and with `keysChecked` (every tag key and field key of the
 * record passed keysValid(): a CSV table's column labels) without looking those
 * keys up again; the checks left are made in the same order, so the first
 * error is the same. Not part of the package's API.
 */
export function checkRecord(record: InfluxRecord, keysChecked: boolean): void {
  checkFrame(record)
  measurements.get(record.measurement, 'measurement')
  const { tags, fields } = record
  for (const name in tags) {
    if (!keysChecked) tagKeys.get(name, 'tags')
    tagValues.get(tags[name]!, 'tags', name)
  }
  let count = 0
  for (const name in fields) {
    if (!keysChecked) fieldKeys.get(name, 'fields')
    checkField(name, fields[name])
    count++
  }
  if (count === 0) noFields(record)
}

/** True when every one of these tag keys and field keys is valid (a CSV table's column labels, checked once per table). */
export function keysValid(tags: readonly string[], fields: readonly string[]): boolean {
  try {
    for (const name of tags) tagKeys.get(name, 'tags')
    for (const name of fields) fieldKeys.get(name, 'fields')
    return true
  } catch (error) {
    if (RecordError.isInstance(error)) return false
    throw error
  }
}
