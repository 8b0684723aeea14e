import { BACKSLASH, COMMA, EQUALS, NEWLINE, QUOTE, SPACE } from './char-codes.js'
import { LineProtocolError, RecordError } from './errors.js'
import { INT64_MAX, INT64_MIN, TIMESTAMP_MAX, TIMESTAMP_MIN, UINT64_MAX, type FieldValue, type InfluxRecord } from './record.js'
import type { NameCache } from './name-cache.js'
import { rememberSeries, seriesOf } from './lp-decode-cache.js'
import { checkField } from './name-rules.js'
import { validNames } from './validate-record.js'

// A Map, not an object: a token such as `constructor` or `toString` must not find Object.prototype's.
const BOOLEANS = new Map<string, boolean>([
  ['t', true], ['T', true], ['true', true], ['True', true], ['TRUE', true],
  ['f', false], ['F', false], ['false', false], ['False', false], ['FALSE', false],
])
const FLOAT = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/
const INTEGER = /^-?\d+$/
const UNSIGNED = /^\d+$/

function fail(message: string, index: number, cause?: unknown): never {
  throw new LineProtocolError(message, index + 1, cause === undefined ? undefined : { cause })
}

// Where the last scan stopped (module state keeps the scanners allocation-free).
let pos = 0

/**
 * Scans a measurement, key or tag value from `start` to the first unescaped comma
 * or space (or equals sign when `stopOnEquals`). `\,` `\ ` `\=` lose their
 * backslash, and so does `\"` in measurements and field keys (`unescapeQuote`);
 * any other backslash is kept: as InfluxDB 1.x reads them.
 */
function scanName(line: string, start: number, end: number, stopOnEquals: boolean, unescapeQuote: boolean): string {
  let out = ''
  let from = start
  let i = start
  while (i < end) {
    const c = line.charCodeAt(i)
    if (c === BACKSLASH && i + 1 < end) {
      const next = line.charCodeAt(i + 1)
      if (next === COMMA || next === SPACE || next === EQUALS || (next === QUOTE && unescapeQuote)) {
        out += line.slice(from, i)
        from = i + 1
      }
      i += 2
      continue
    }
    if (c === COMMA || c === SPACE || (stopOnEquals && c === EQUALS)) break
    i++
  }
  pos = i
  return out + line.slice(from, i)
}

// Whether the last string scanned holds a newline or a surrogate: then the record rules look closer.
let suspect = false

/** Scans a quoted string field value starting at its opening quote. */
function scanString(line: string, start: number, end: number): string {
  let out = ''
  let from = start + 1
  suspect = false
  for (let i = start + 1; i < end; i++) {
    const c = line.charCodeAt(i)
    if (c === BACKSLASH) {
      const next = line.charCodeAt(i + 1)
      if (next === QUOTE || next === BACKSLASH) {
        out += line.slice(from, i)
        from = i + 1
        i++
      }
    } else if (c === QUOTE) {
      pos = i + 1
      return out + line.slice(from, i)
    } else if (c === NEWLINE || (c & 0xf800) === 0xd800) suspect = true
  }
  return fail('string value has no closing double quote', start)
}

/** Checks a name (each distinct one once, through validateRecord's caches); a bad one fails at `index`. */
function checkAt(names: NameCache, name: string, where: 'measurement' | 'tags' | 'fields', key: string, index: number): void {
  try {
    names.get(name, where, key)
  } catch (error) {
    if (RecordError.isInstance(error)) fail(error.message, index, error)
    throw error
  }
}

/** Checks a string field value by the record rules; a bad one fails at `index`. */
function checkStringAt(key: string, value: FieldValue, index: number): void {
  try {
    checkField(key, value)
  } catch (error) {
    if (RecordError.isInstance(error)) fail(error.message, index, error)
    throw error
  }
}

/** Parses one unquoted field value token: integer `i`, unsigned `u`, boolean or float. */
export function parseFieldToken(token: string, name: string, index: number): FieldValue {
  const last = token.charCodeAt(token.length - 1)
  if (last === 0x69 /* i */ && INTEGER.test(token.slice(0, -1))) {
    const value = BigInt(token.slice(0, -1))
    if (value < INT64_MIN || value > INT64_MAX) fail(`integer field ${JSON.stringify(name)} = ${token} is outside the int64 range`, index)
    return { type: 'integer', value }
  }
  if (last === 0x75 /* u */ && UNSIGNED.test(token.slice(0, -1))) {
    const value = BigInt(token.slice(0, -1))
    if (value > UINT64_MAX) fail(`unsigned field ${JSON.stringify(name)} = ${token} is outside the uint64 range`, index)
    return { type: 'unsigned', value }
  }
  // Booleans are at most 5 letters, starting with t or f.
  const first = token.charCodeAt(0) | 0x20
  const bool = token.length <= 5 && (first === 0x74 || first === 0x66) ? BOOLEANS.get(token) : undefined
  if (bool !== undefined) return { type: 'boolean', value: bool }
  if (FLOAT.test(token)) {
    const value = Number(token)
    if (!Number.isFinite(value)) fail(`float field ${JSON.stringify(name)} = ${token} is outside the float64 range`, index)
    return { type: 'float', value }
  }
  return fail(`field ${JSON.stringify(name)} has value ${JSON.stringify(token)}, which is not a float, integer (i), unsigned (u), boolean or "string"`, index)
}

function parseTags(line: string, end: number, tags: Record<string, string>): void {
  while (pos < end && line.charCodeAt(pos) === COMMA) {
    const keyStart = pos + 1
    const key = scanName(line, keyStart, end, true, false)
    if (pos >= end || line.charCodeAt(pos) !== EQUALS) fail(`tag key ${JSON.stringify(key)} is not followed by "="`, pos)
    const valueStart = pos + 1
    const value = scanName(line, valueStart, end, false, false)
    if (value === '') fail(`tag ${JSON.stringify(key)} has an empty value`, valueStart)
    checkAt(validNames.tagKeys, key, 'tags', key, keyStart)
    checkAt(validNames.tagValues, value, 'tags', key, valueStart)
    if (Object.hasOwn(tags, key)) fail(`tag ${JSON.stringify(key)} appears twice`, keyStart)
    tags[key] = value
  }
}

function parseFields(line: string, end: number, fields: Record<string, FieldValue>): void {
  for (;;) {
    const keyStart = pos
    const key = scanName(line, keyStart, end, true, true)
    if (pos >= end || line.charCodeAt(pos) !== EQUALS) fail(`field key ${JSON.stringify(key)} is not followed by "="`, pos)
    checkAt(validNames.fieldKeys, key, 'fields', key, keyStart)
    const valueStart = ++pos
    let value: FieldValue
    if (line.charCodeAt(valueStart) === QUOTE) {
      value = { type: 'string', value: scanString(line, valueStart, end) }
      // A newline or a lone surrogate: a value no logfile or server can carry (as decodeJsonl rejects it).
      if (suspect) checkStringAt(key, value, valueStart)
    } else {
      while (pos < end && line.charCodeAt(pos) !== COMMA && line.charCodeAt(pos) !== SPACE) pos++
      if (pos === valueStart) fail(`field ${JSON.stringify(key)} has no value`, valueStart)
      value = parseFieldToken(line.slice(valueStart, pos), key, valueStart)
    }
    if (Object.hasOwn(fields, key)) fail(`field ${JSON.stringify(key)} appears twice`, keyStart)
    fields[key] = value
    if (pos >= end || line.charCodeAt(pos) === SPACE) return
    if (line.charCodeAt(pos) !== COMMA) fail(`expected "," or " " after the value of field ${JSON.stringify(key)}`, pos)
    pos++
  }
}

function parseTimestamp(line: string, end: number): bigint {
  while (pos < end && line.charCodeAt(pos) === SPACE) pos++
  if (pos >= end) fail('no timestamp; logfile lines always carry one', pos)
  const start = pos
  while (pos < end && line.charCodeAt(pos) !== SPACE) pos++
  const text = line.slice(start, pos)
  while (pos < end && line.charCodeAt(pos) === SPACE) pos++
  if (pos < end) fail('unexpected text after the timestamp', pos)
  if (!INTEGER.test(text)) fail(`timestamp ${JSON.stringify(text)} is not an integer of nanoseconds`, start)
  const timestamp = BigInt(text)
  if (timestamp < TIMESTAMP_MIN || timestamp > TIMESTAMP_MAX) fail(`timestamp ${text} is outside InfluxDB's range (years 1677 to 2262)`, start)
  return timestamp
}

/**
 * Where the series (measurement and tags) of a line ends: its first space that
 * no backslash escapes (one after an even run of backslashes, as scanName()
 * pairs them); -1 when there is none.
 */
function seriesEnd(line: string): number {
  let space = line.indexOf(' ')
  while (space > 0) {
    let backslashes = 0
    while (backslashes < space && line.charCodeAt(space - 1 - backslashes) === BACKSLASH) backslashes++
    if (backslashes % 2 === 0) return space
    space = line.indexOf(' ', space + 1)
  }
  return space
}

/**
 * Parses one line of line protocol into a record. The timestamp is required (a
 * logfile line always has one). Throws `LineProtocolError` naming the 1-based
 * column and the reason, also for names InfluxDB reserves.
 */
export function decodeLineProtocol(line: string): InfluxRecord {
  let end = line.length
  while (end > 0 && (line.charCodeAt(end - 1) === 0x0d || line.charCodeAt(end - 1) === SPACE)) end--
  pos = 0
  // A series read before: its measurement and tags without scanning and checking them again.
  const space = seriesEnd(line)
  const known = space > 0 && space < end ? seriesOf(line.slice(0, space)) : undefined
  let measurement: string
  let tags: Record<string, string>
  let remember = false
  if (known !== undefined) {
    measurement = known.measurement
    tags = { ...known.tags }
    pos = space
  } else {
    while (pos < end && line.charCodeAt(pos) === SPACE) pos++
    if (pos >= end) fail('empty line', pos)
    if (line.charCodeAt(pos) === 0x23) fail('comment line (starts with "#"), not a point', pos)
    const measurementStart = pos
    measurement = scanName(line, measurementStart, end, false, true)
    if (measurement === '') fail('missing measurement', measurementStart)
    checkAt(validNames.measurements, measurement, 'measurement', measurement, measurementStart)
    tags = {}
    parseTags(line, end, tags)
    // The series ended at that space: its text alone decided it.
    remember = pos === space
  }
  while (pos < end && line.charCodeAt(pos) === SPACE) pos++
  if (pos >= end) fail('no fields; a point needs at least one field=value', pos)
  const fields: Record<string, FieldValue> = {}
  parseFields(line, end, fields)
  const timestamp = parseTimestamp(line, end)
  if (remember) rememberSeries(line.slice(0, space), measurement, tags)
  return { measurement, tags, fields, timestamp }
}
