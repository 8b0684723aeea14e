// Lines of one shape (the same measurement, tags and field names and types, in
// the same layout) differ only in the timestamp and the field values. The
// scanner in jsonl-decode.ts remembers each shape it reads; a later line of the
// same shape is then read by comparing its constant parts as whole strings and
// parsing only the values. Anything that does not match exactly goes back to
// the scanner, so a shape accepts nothing the scanner would not.
import { RecordError } from './errors.js'
import { checkField } from './name-rules.js'
import { addByteShape } from './jsonl-byte-shapes.js'
import { detached } from './detached.js'
import { INT64_MAX, INT64_MIN, TIMESTAMP_MAX, TIMESTAMP_MIN, UINT64_MAX, type FieldType, type FieldValue, type InfluxRecord } from './record.js'

export const INTEGER = /^-?(?:0|[1-9]\d{0,18})$/
export const UNSIGNED = /^(?:0|[1-9]\d{0,19})$/
export const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/
const STRING_NEEDS_CHECK = /[\\\x00-\x1f\uD800-\uDFFF]/
const CONTROL = /[\x00-\x1f]/

export const TIME_START = '{"time":"'
export const MEASUREMENT_AT = '","measurement":"'

export interface Shape {
  measurement: string
  tags: Record<string, string>
  /**
   * The end of the text from the quote that closes the time to the first field
   * value, from `,"fields":{` on, and how far after that quote it starts: the
   * part before it is the text the shape was looked up by, so a line that found
   * this shape holds that part already.
   */
  tail: string
  tailFrom: number
  keys: string[]
  types: FieldType[]
  /** After each field value: up to the next value, or the closing `}}`. */
  after: string[]
  /** Line protocol pieces (jsonl-to-lp.ts), built on first use; null when this shape cannot be transcoded. */
  lp?: unknown
}

// Shapes are found by the text of the measurement and tags (so a station with
// many tag sets keeps one shape per set), at most SHAPES_PER_KEY field layouts each.
const MAX_KEYS = 4096
const SHAPES_PER_KEY = 4
export const FIELDS_AT = ',"fields":{'
/**
 * By the text of the measurement and tags, from the quote that closes the time
 * up to `,"fields":{`. Looking a slice of the line up costs less than hashing
 * it in a loop here (V8 hashes and compares the slice natively: 410 against
 * 600 ns per line, lookup included, measured on the replay benchmark's lines).
 */
const shapes = new Map<string, Shape[]>()


let at = 0

function timestampOf(text: string): bigint | undefined {
  if (!INTEGER.test(text)) return undefined
  const timestamp = BigInt(text)
  if (timestamp < TIMESTAMP_MIN || timestamp > TIMESTAMP_MAX) throw new RecordError(`timestamp ${text} is outside InfluxDB's range (years 1677 to 2262)`, 'timestamp')
  return timestamp
}

/** The closing quote of a JSON string whose opening quote is at `open` (skipping escaped quotes), or -1. */
export function closingQuote(line: string, open: number): number {
  for (let q = line.indexOf('"', open + 1); q >= 0; q = line.indexOf('"', q + 1)) {
    let backslashes = 0
    while (line.charCodeAt(q - 1 - backslashes) === 0x5c) backslashes++
    if (backslashes % 2 === 0) return q
  }
  return -1
}

/** Where the JSON number that starts at `from` ends: the next `,` or `}`, or the end of the line. */
export function numberEnd(line: string, from: number): number {
  let end = from + 1
  for (let d = line.charCodeAt(end); d !== 0x2c && d !== 0x7d && end < line.length; d = line.charCodeAt(++end));
  return end
}

/** A value of the type the shape expects at `at`, or undefined (not this shape). Throws `RecordError` for a value out of range. */
function valueOf(line: string, type: FieldType, name: string): FieldValue | undefined {
  const c = line.charCodeAt(at)
  switch (type) {
    case 'float': {
      if (c !== 0x2d && (c < 0x30 || c > 0x39)) return undefined
      const end = numberEnd(line, at)
      const text = line.slice(at, end)
      if (!JSON_NUMBER.test(text)) return undefined
      const value = Number(text)
      if (!Number.isFinite(value)) throw new RecordError(`float field ${JSON.stringify(name)} is ${value}; InfluxDB accepts only finite floats`, `fields.${name}`)
      at = end
      return { type, value }
    }
    case 'integer':
    case 'unsigned': {
      if (!line.startsWith(type === 'integer' ? '{"i":"' : '{"u":"', at)) return undefined
      const end = line.indexOf('"', at + 6)
      if (end < 0) return undefined
      const text = line.slice(at + 6, end)
      if (!(type === 'integer' ? INTEGER : UNSIGNED).test(text) || line.charCodeAt(end + 1) !== 0x7d) return undefined
      const value = BigInt(text)
      if (type === 'integer' ? value < INT64_MIN || value > INT64_MAX : value > UINT64_MAX) throw new RecordError(`${type} field ${JSON.stringify(name)} = ${text} is outside the ${type === 'integer' ? 'int64' : 'uint64'} range`, `fields.${name}`)
      at = end + 2
      return { type, value }
    }
    case 'boolean':
      if (c === 0x74 && line.startsWith('true', at)) {
        at += 4
        return { type, value: true }
      }
      if (c === 0x66 && line.startsWith('false', at)) {
        at += 5
        return { type, value: false }
      }
      return undefined
    case 'string': {
      if (c !== 0x22) return undefined
      const end = closingQuote(line, at)
      if (end < 0) return undefined
      let value = line.slice(at + 1, end)
      if (STRING_NEEDS_CHECK.test(value)) {
        if (CONTROL.test(value)) return undefined // not valid JSON: the general path reports it
        try {
          value = JSON.parse(line.slice(at, end + 1)) as string
        } catch {
          return undefined
        }
        checkField(name, { type, value }) // a newline or a lone surrogate
      }
      at = end + 1
      return { type, value }
    }
  }
}

/** `line` holds `text` at `from` (substring and ===: much faster than startsWith on long text). */
export const holds = (line: string, from: number, text: string) => line.substring(from, from + text.length) === text

/**
 * Where the first field value starts, for a shape that shapesOf() found for this
 * line (which compared the text before the shape's tail); -1 when the rest differs.
 */
export function firstValueAt(line: string, timeEnd: number, shape: Shape): number {
  const from = timeEnd + shape.tailFrom
  return holds(line, from, shape.tail) ? from + shape.tail.length : -1
}

function matches(line: string, timeEnd: number, shape: Shape): InfluxRecord | undefined {
  at = firstValueAt(line, timeEnd, shape)
  if (at < 0) return undefined
  const { keys, types, after } = shape
  const fields: Record<string, FieldValue> = {}
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!
    const value = valueOf(line, types[i]!, key)
    if (value === undefined || !holds(line, at, after[i]!)) return undefined
    at += after[i]!.length
    fields[key] = value
  }
  if (at !== line.length) return undefined
  return { measurement: shape.measurement, tags: { ...shape.tags }, fields, timestamp: 0n }
}

/** The shapes that may match a line (most recent first), from the text of its measurement and tags; undefined when none. */
export function shapesOf(line: string, timeEnd: number): readonly Shape[] | undefined {
  const fieldsAt = line.indexOf(FIELDS_AT, timeEnd)
  return fieldsAt < 0 ? undefined : shapes.get(line.slice(timeEnd, fieldsAt))
}

/** The record of a line of a known shape, or undefined. Throws `RecordError` (a value or time out of range, a bad string value). */
export function decodeByShape(line: string): InfluxRecord | undefined {
  if (!line.startsWith(TIME_START)) return undefined
  const timeEnd = line.indexOf('"', TIME_START.length)
  if (timeEnd < 0 || !line.startsWith(MEASUREMENT_AT, timeEnd)) return undefined
  const candidates = shapesOf(line, timeEnd)
  if (candidates === undefined) return undefined
  for (const shape of candidates) {
    const record = matches(line, timeEnd, shape)
    if (record === undefined) continue
    const timestamp = timestampOf(line.slice(TIME_START.length, timeEnd))
    if (timestamp === undefined) return undefined
    record.timestamp = timestamp
    return record
  }
  return undefined
}

/**
 * Remembers the shape of a line the scanner read (no escapes anywhere in it):
 * `timeEnd` is its closing time quote, `values` the start and end of each field value,
 * `keysInLine` the field keys in line order.
 */
export function rememberShape(line: string, record: InfluxRecord, timeEnd: number, values: readonly number[], keysInLine: readonly string[]): void {
  const keys = keysInLine.map(detached)
  if (new Set(keys).size !== keys.length) return // a repeated key: leave it to the scanner
  const tags: Record<string, string> = {}
  for (const [key, value] of Object.entries(record.tags)) tags[detached(key)] = detached(value)
  const fieldsAt = line.indexOf(FIELDS_AT, timeEnd)
  if (fieldsAt < 0 || fieldsAt > values[0]!) return
  const shape: Shape = {
    measurement: detached(record.measurement),
    tags,
    tail: detached(line.slice(fieldsAt, values[0])),
    tailFrom: fieldsAt - timeEnd,
    keys,
    types: keys.map((key) => record.fields[key]!.type),
    after: keys.map((_, i) => detached(line.slice(values[2 * i + 1], i + 1 < keys.length ? values[2 * i + 2] : line.length))),
  }
  const key = detached(line.slice(timeEnd, fieldsAt))
  let list = shapes.get(key)
  if (list === undefined) {
    if (shapes.size >= MAX_KEYS) shapes.clear()
    list = []
    shapes.set(key, list)
  }
  if (list.length >= SHAPES_PER_KEY) list.pop()
  list.unshift(shape)
  // The same shape for the readers on bytes (records at once; line protocol once jsonl-to-lp.ts has checked it).
  addByteShape(key, shape)
}
