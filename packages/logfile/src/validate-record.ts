import type { InfluxRecord } from './record.js'
import { checkField, checkFrame } from './name-rules.js'
import { NameCache, noFields } from './name-cache.js'

// Names repeat from record to record: each distinct one is checked once.
const measurements = new NameCache('measurement', (name) => name)
const tagKeys = new NameCache('tag key', (name) => name)
const tagValues = new NameCache('tag value', (name) => name)
const fieldKeys = new NameCache('field key', (name) => name)

/**
 * Throws a `RecordError` naming the key when InfluxDB would reject the record or
 * a logfile could not hold it. Empty tag values are allowed: every encoder drops
 * them, as the official client does.
 */
export function validateRecord(record: InfluxRecord): void {
  checkFrame(record)
  measurements.get(record.measurement, 'measurement')
  const { tags, fields } = record
  for (const name in tags) {
    tagKeys.get(name, 'tags')
    tagValues.get(tags[name]!, 'tags', name)
  }
  let count = 0
  for (const name in fields) {
    fieldKeys.get(name, 'fields')
    checkField(name, fields[name])
    count++
  }
  if (count === 0) noFields(record)
}
