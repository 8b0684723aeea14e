import { JsonlError, RecordError } from './errors.js'
import { describeSchemaErrors, jsonlLineValidator } from './jsonl-schema.js'
import { INT64_MAX, INT64_MIN, TIMESTAMP_MAX, TIMESTAMP_MIN, UINT64_MAX, type FieldValue, type InfluxRecord } from './record.js'
import { checkName, checkPlainName, NAME_NEEDS_CHECK } from './name-rules.js'
import { validateRecord } from './validate-record.js'
import { describeDuplicateKey, duplicateKey } from './jsonl-duplicate-key.js'
import { decodeByShape, INTEGER, JSON_NUMBER, rememberShape, TIME_START, UNSIGNED } from './jsonl-shapes.js'

// Lines in the exact layout encodeJsonl() writes, with no backslash (so no escape
// sequence), control character or surrogate anywhere, are read by a strict scanner
// whose grammar is a subset of the schema; every other line goes through
// JSON.parse and ajv. Both end in the same record checks.

let at = 0
/** Where the scanner found the field values of its last line (start, end pairs), and their keys. */
const valueAt: number[] = []
const keysAt: string[] = []

/** A string (the line has no escapes) starting after its opening quote; undefined when unterminated. */
function plain(line: string): string | undefined {
  const end = line.indexOf('"', at)
  if (end < 0) return undefined
  const text = line.slice(at, end)
  at = end + 1
  return text
}

function expect(line: string, text: string): boolean {
  if (!line.startsWith(text, at)) return false
  at += text.length
  return true
}

function fastValue(line: string, name: string): FieldValue | undefined {
  const c = line.charCodeAt(at)
  if (c === 0x22) {
    at++
    const value = plain(line)
    return value === undefined ? undefined : { type: 'string', value }
  }
  if (c === 0x7b) {
    const integer = expect(line, '{"i":"')
    if (!integer && !expect(line, '{"u":"')) return undefined
    const text = plain(line)
    if (text === undefined || !(integer ? INTEGER : UNSIGNED).test(text) || !expect(line, '}')) return undefined
    const value = BigInt(text)
    if (integer ? value < INT64_MIN || value > INT64_MAX : value > UINT64_MAX) throw new RecordError(`${integer ? 'integer' : 'unsigned'} field ${JSON.stringify(name)} = ${text} is outside the ${integer ? 'int64' : 'uint64'} range`, `fields.${name}`)
    return integer ? { type: 'integer', value } : { type: 'unsigned', value }
  }
  if (expect(line, 'true')) return { type: 'boolean', value: true }
  if (expect(line, 'false')) return { type: 'boolean', value: false }
  let end = at
  while (end < line.length && line.charCodeAt(end) !== 0x2c && line.charCodeAt(end) !== 0x7d) end++
  const text = line.slice(at, end)
  if (!JSON_NUMBER.test(text)) return undefined
  const value = Number(text)
  if (!Number.isFinite(value)) throw new RecordError(`float field ${JSON.stringify(name)} is ${value}; InfluxDB accepts only finite floats`, `fields.${name}`)
  at = end
  return { type: 'float', value }
}

/** The record of a line in the canonical layout, or undefined to take the general path. Throws `RecordError`. */
function fastDecode(line: string): InfluxRecord | undefined {
  at = 0
  valueAt.length = 0
  keysAt.length = 0
  if (!expect(line, TIME_START) || NAME_NEEDS_CHECK.test(line)) return undefined
  const time = plain(line)
  const timeEnd = at - 1
  if (time === undefined || !INTEGER.test(time) || !expect(line, ',"measurement":"')) return undefined
  const measurementText = plain(line)
  if (measurementText === undefined || !expect(line, ',"tags":{')) return undefined
  const measurement = measurementText
  checkPlainName('measurement', measurement, 'measurement')
  const tags: Record<string, string> = {}
  if (!expect(line, '}')) {
    do {
      if (!expect(line, '"')) return undefined
      const key = plain(line)
      if (key === undefined || !expect(line, ':"')) return undefined
      const value = plain(line)
      if (value === undefined) return undefined
      checkPlainName('tag key', key, 'tags')
      if (Object.hasOwn(tags, key)) throw new JsonlError(`tag ${JSON.stringify(key)} appears twice`, at - value.length - key.length - 4)
      tags[key] = value
    } while (expect(line, ','))
    if (!expect(line, '}')) return undefined
  }
  if (!expect(line, ',"fields":{"')) return undefined
  const fields: Record<string, FieldValue> = {}
  do {
    if (line.charCodeAt(at - 1) !== 0x22 && !expect(line, '"')) return undefined
    const key = plain(line)
    if (key === undefined || !expect(line, ':')) return undefined
    valueAt.push(at)
    const value = fastValue(line, key)
    if (value === undefined) return undefined
    valueAt.push(at)
    keysAt.push(key)
    checkPlainName('field key', key, 'fields')
    // (Lines of a remembered shape have no repeated key: shapes are remembered from lines read here.)
    if (Object.hasOwn(fields, key)) throw new JsonlError(`field ${JSON.stringify(key)} appears twice`, valueAt[valueAt.length - 2]! - key.length - 2)
    fields[key] = value
  } while (expect(line, ','))
  if (!expect(line, '}}') || at !== line.length) return undefined
  const timestamp = BigInt(time)
  if (timestamp < TIMESTAMP_MIN || timestamp > TIMESTAMP_MAX) throw new RecordError(`timestamp ${time} is outside InfluxDB's range (years 1677 to 2262)`, 'timestamp')
  const record = { measurement, tags, fields, timestamp }
  rememberShape(line, record, timeEnd, valueAt, keysAt)
  return record
}

type JsonField = number | string | boolean | { i: string } | { u: string }
interface JsonLine {
  time: string
  measurement: string
  tags?: Record<string, string>
  fields: Record<string, JsonField>
}

function fieldFromJson(value: JsonField): FieldValue {
  switch (typeof value) {
    case 'number':
      return { type: 'float', value }
    case 'string':
      return { type: 'string', value }
    case 'boolean':
      return { type: 'boolean', value }
    default:
      return 'i' in value ? { type: 'integer', value: BigInt(value.i) } : { type: 'unsigned', value: BigInt(value.u) }
  }
}

function parseJson(line: string): unknown {
  try {
    return JSON.parse(line)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    const position = /at position (\d+)/.exec(message)
    throw new JsonlError(`not valid JSON: ${message}`, position === null ? undefined : Number(position[1]) + 1, { cause: error })
  }
}

function generalDecode(line: string): InfluxRecord {
  const value = parseJson(line)
  const validate = jsonlLineValidator()
  if (!validate(value)) throw new JsonlError(describeSchemaErrors(validate.errors))
  // JSON.parse kept only the last of two equal keys: the line would lose a value.
  const duplicate = duplicateKey(line)
  if (duplicate !== undefined) throw new JsonlError(describeDuplicateKey(duplicate), duplicate.at + 1)
  const json = value as JsonLine
  const fields: Record<string, FieldValue> = {}
  for (const key in json.fields) {
    checkName('field key', key, `fields.${key}`) // before assigning: "__proto__" must not reach an object
    fields[key] = fieldFromJson(json.fields[key]!)
  }
  const record: InfluxRecord = { measurement: json.measurement, tags: json.tags ?? {}, fields, timestamp: BigInt(json.time) }
  validateRecord(record)
  return record
}

/**
 * Parses one JSONL line: checked against `jsonlLineSchema` (the canonical layout
 * by a strict scanner, anything else by ajv) and the record rules. Throws `JsonlError`.
 */
export function decodeJsonl(line: string): InfluxRecord {
  try {
    return decodeByShape(line) ?? fastDecode(line) ?? generalDecode(line)
  } catch (error) {
    if (RecordError.isInstance(error)) throw new JsonlError(error.message, undefined, { cause: error })
    throw error
  }
}
