import type { Point } from '@influxdata/influxdb-client'
import { validateRecord, type FieldValue } from '@eht-influx-client/logfile'

/** What an official Point (1.x) holds at run time (private in its types): names as given, field values as line protocol. */
interface PointParts {
  name?: unknown
  tags?: Record<string, unknown>
  fields?: Record<string, unknown>
}

/** Entries before a set starts over (bounds memory when names never repeat). */
const MAX_NAMES = 4096

/** Names of one kind that passed validateRecord: names repeat from Point to Point, so each is checked once. */
class PassedNames {
  private readonly names = new Set<string>()

  has(name: string): boolean {
    return this.names.has(name)
  }

  add(name: string): void {
    if (this.names.size >= MAX_NAMES) this.names.clear()
    this.names.add(name)
  }
}

const passed = { measurements: new PassedNames(), tagKeys: new PassedNames(), tagValues: new PassedNames(), fieldKeys: new PassedNames() }

/** What the rules look at in a string field value (a newline, a surrogate): such a value gets the full check. */
const STRING_NEEDS_CHECK = /[\n\uD800-\uDFFF]/

const isStringField = (text: unknown): text is string => typeof text === 'string' && text.startsWith('"')

/**
 * True when every name of the Point passed the check before and no string
 * field value holds a character the rules look at: validateRecord would pass
 * the probe, so it need not be built.
 */
function knownValid(name: string, tagKeys: readonly string[], tags: Record<string, unknown>, fieldKeys: readonly string[], fields: Record<string, unknown>): boolean {
  if (!passed.measurements.has(name)) return false
  for (const key of fieldKeys) {
    if (key === '') continue
    if (!passed.fieldKeys.has(key)) return false
    const text = fields[key]
    if (isStringField(text) && STRING_NEEDS_CHECK.test(text)) return false
  }
  for (const key of tagKeys) {
    const value = tags[key]
    if (key !== '' && value && !(passed.tagKeys.has(key) && passed.tagValues.has(String(value)))) return false
  }
  return true
}

/**
 * The Point's own names through the rules a record gets, before its line
 * protocol is taken: Point writes a newline, CR or tab in a name as two
 * characters (`\n`), so the point would be stored under another name, and a tag
 * value ending in a backslash as an escape of the space after it. A probe
 * record with the names the Point's line protocol would carry (it leaves out
 * empty keys and empty tag values, and writes other tag values with String())
 * and its string field values (which may hold a newline; their escaping adds no
 * character the rules look at) gets the same RecordError, naming the key, as
 * the record with those names. No measurement or no field: the line protocol
 * check says so.
 *
 * Per Point the probe cost about a quarter of the Point's conversion: names
 * that passed before (they repeat from point to point) are only looked up, and
 * the probe is built only when one is new or a string value holds a character
 * the rules look at; the errors are validateRecord's all the same.
 */
export function checkPointNames(point: Point): void {
  const { name, tags = {}, fields = {} } = point as unknown as PointParts
  if (typeof name !== 'string' || name === '') return
  const fieldKeys = Object.keys(fields)
  if (!fieldKeys.some((key) => key !== '')) return
  const tagKeys = Object.keys(tags)
  if (knownValid(name, tagKeys, tags, fieldKeys, fields)) return
  const probeFields: Record<string, FieldValue> = {}
  for (const key of fieldKeys) {
    if (key === '') continue
    const text = fields[key]
    probeFields[key] = isStringField(text) ? { type: 'string', value: text } : { type: 'boolean', value: true }
  }
  const probeTags: Record<string, string> = {}
  for (const key of tagKeys) {
    const value = tags[key]
    if (key !== '' && value) probeTags[key] = String(value)
  }
  validateRecord({ measurement: name, tags: probeTags, fields: probeFields, timestamp: 0n })
  passed.measurements.add(name)
  for (const key in probeFields) passed.fieldKeys.add(key)
  for (const key in probeTags) {
    passed.tagKeys.add(key)
    passed.tagValues.add(probeTags[key]!)
  }
}
