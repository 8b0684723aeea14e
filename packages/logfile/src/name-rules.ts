// The rules for one name or one field value, with messages that name the key.
import { RecordError } from './errors.js'
import { INT64_MAX, INT64_MIN, TIMESTAMP_MAX, TIMESTAMP_MIN, UINT64_MAX, type InfluxRecord } from './record.js'

// Characters that need a closer look: backslash, C0 controls, surrogates.
const NEEDS_CHECK = /[\\\x00-\x1f\uD800-\uDFFF]/
/** A lone UTF-16 surrogate, which is not valid UTF-8 (string values and names cannot hold one). */
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

export type NameKind = 'measurement' | 'tag key' | 'tag value' | 'field key'

function quote(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text)
}

/**
 * Characters that InfluxDB reads as escaped after a backslash at this position (it
 * would store them without the backslash). InfluxDB 1.x unescapes `\,` `\ ` `\=`
 * and `\"` in measurements and field keys, but only `\,` `\ ` `\=` in tag keys and
 * values (a tag keeps `\"` as written); `\\` is read differently by 1.x and 2.x.
 */
function isSpecial(kind: NameKind, ch: string): boolean {
  return ch === ',' || ch === ' ' || ch === '\\' || ch === '=' || (ch === '"' && (kind === 'measurement' || kind === 'field key'))
}

function checkCharacters(kind: NameKind, text: string, key: string): void {
  if (!NEEDS_CHECK.test(text)) return
  const what = `${kind} ${quote(text)}`
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x20) {
      const hex = code.toString(16).toUpperCase().padStart(4, '0')
      throw new RecordError(`${what} contains control character U+${hex} at index ${i}, which line protocol cannot carry`, key)
    }
    if (code === 0x5c && (i === text.length - 1 || isSpecial(kind, text[i + 1]!))) {
      const where = i === text.length - 1 ? 'ends with a backslash' : `has a backslash before ${quote(text[i + 1]!)} at index ${i}`
      throw new RecordError(`${what} ${where}, which InfluxDB would read as an escape sequence`, key)
    }
  }
  if (LONE_SURROGATE.test(text)) throw new RecordError(`${what} contains a lone UTF-16 surrogate, which is not valid UTF-8`, key)
}

/** Throws a `RecordError` when `name` cannot be a measurement, tag key, tag value or field key. */
export function checkName(kind: NameKind, name: unknown, key: string): asserts name is string {
  if (typeof name !== 'string') throw new RecordError(`${kind} at ${key} must be a string, got ${typeof name}`, key)
  if (kind !== 'tag value') {
    if (name.length === 0) throw new RecordError(`${kind} at ${key} is empty`, key)
    if (name.charCodeAt(0) === 0x5f) throw new RecordError(`${kind} ${quote(name)} starts with "_", which InfluxDB reserves for its own names`, key)
    if (kind === 'measurement' && name.charCodeAt(0) === 0x23) throw new RecordError(`measurement ${quote(name)} starts with "#", which line protocol reads as a comment line`, key)
    if (kind !== 'measurement' && name === 'time') throw new RecordError(`${kind} "time" is reserved by InfluxDB for the timestamp`, key)
  }
  checkCharacters(kind, name, key)
  if (kind === 'field key' && name.includes('"')) throw quoteInFieldKey(name, key)
}

/**
 * InfluxDB stores a field key with `"` as written, but VictoriaMetrics (1.79)
 * answers 204 and stores the point wrong (the value 0 at the time of the write,
 * the other fields of the line lost).
 */
function quoteInFieldKey(name: string, key: string): RecordError {
  return new RecordError(`field key ${quote(name)} contains a double quote ("), which VictoriaMetrics stores wrong (as 0 at the time of writing); rejected so a logfile replays into any server`, key)
}

/** Throws a `RecordError` when `value` is not a valid typed field value. */
export function checkField(name: string, value: unknown): void {
  const key = `fields.${name}`
  if (typeof value !== 'object' || value === null) throw new RecordError(`field ${quote(name)} must be an object { type, value }, got ${value === null ? 'null' : typeof value}`, key)
  const { type, value: v } = value as { type?: unknown; value?: unknown }
  switch (type) {
    case 'float':
      if (typeof v !== 'number') throw new RecordError(`float field ${quote(name)} must hold a number, got ${typeof v}`, key)
      if (!Number.isFinite(v)) throw new RecordError(`float field ${quote(name)} is ${v}; InfluxDB accepts only finite floats`, key)
      return
    case 'integer':
      if (typeof v !== 'bigint') throw new RecordError(`integer field ${quote(name)} must hold a bigint, got ${typeof v}`, key)
      if (v < INT64_MIN || v > INT64_MAX) throw new RecordError(`integer field ${quote(name)} = ${v} is outside the int64 range`, key)
      return
    case 'unsigned':
      if (typeof v !== 'bigint') throw new RecordError(`unsigned field ${quote(name)} must hold a bigint, got ${typeof v}`, key)
      if (v < 0n || v > UINT64_MAX) throw new RecordError(`unsigned field ${quote(name)} = ${v} is outside the uint64 range`, key)
      return
    case 'string':
      if (typeof v !== 'string') throw new RecordError(`string field ${quote(name)} must hold a string, got ${typeof v}`, key)
      if (v.includes('\n')) throw new RecordError(`string field ${quote(name)} contains a newline, which line protocol does not support in field values`, key)
      if (LONE_SURROGATE.test(v)) throw new RecordError(`string field ${quote(name)} contains a lone UTF-16 surrogate, which is not valid UTF-8`, key)
      return
    case 'boolean':
      if (typeof v !== 'boolean') throw new RecordError(`boolean field ${quote(name)} must hold a boolean, got ${typeof v}`, key)
      return
    default:
      throw new RecordError(`field ${quote(name)} has unknown type ${quote(String(type))} (float, integer, unsigned, string or boolean)`, key)
  }
}

/** Characters that make `checkName` look closer; text without them needs only `checkPlainName`. */
export const NAME_NEEDS_CHECK = NEEDS_CHECK

/**
 * `checkName` for text known to hold no backslash, control character or
 * surrogate (e.g. a line tested once with `NAME_NEEDS_CHECK`): only the cheap
 * checks run unless one fails.
 */
export function checkPlainName(kind: NameKind, name: string, where: 'measurement' | 'tags' | 'fields'): void {
  if (kind === 'tag value') return
  const first = name.charCodeAt(0)
  if (name.length === 0 || first === 0x5f || (kind === 'measurement' ? first === 0x23 : name === 'time') || (kind === 'field key' && name.includes('"'))) {
    checkName(kind, name, where === 'measurement' ? where : `${where}.${name}`)
  }
}

/** Throws a `RecordError` unless the record is an object with tags and fields objects and a bigint timestamp in InfluxDB's range. */
export function checkFrame(record: InfluxRecord): void {
  if (typeof record !== 'object' || record === null) throw new RecordError(`a record must be an object, got ${record === null ? 'null' : typeof record}`)
  const { tags, fields, timestamp: t } = record
  if (typeof tags === 'object' && tags !== null && typeof fields === 'object' && fields !== null && typeof t === 'bigint' && t >= TIMESTAMP_MIN && t <= TIMESTAMP_MAX) return
  const name = JSON.stringify(record.measurement)
  if (typeof tags !== 'object' || tags === null) throw new RecordError(`tags of ${name} must be an object`, 'tags')
  if (typeof fields !== 'object' || fields === null) throw new RecordError(`fields of ${name} must be an object`, 'fields')
  if (typeof t !== 'bigint') throw new RecordError(`timestamp of ${name} must be a bigint of nanoseconds, got ${typeof t}`, 'timestamp')
  throw new RecordError(`timestamp ${t} of ${name} is outside InfluxDB's range (years 1677 to 2262)`, 'timestamp')
}
