// Builds the record of a JSONL line that jsonl-byte-match.ts matched, from the
// positions of its values. A shape read often gets a builder compiled for it
// (object literals with its own keys: each record then has the same hidden
// classes, and no key is stored by name at run time); until then, and where code
// generation is off, one loop serves every shape.
import { decimalBigInt, shortFloat } from './decimal-digits.js'
import type { ByteShape } from './jsonl-byte-shapes.js'
import { ESCAPED, TRUE_MARK } from './jsonl-byte-match.js'
import { lit } from './shape-code.js'
import type { FieldValue, InfluxRecord } from './record.js'

/** The record of the matched line, or undefined when a value is out of range (the string way reports it). */
export type RecordBuilder = (text: string, bytes: Uint8Array, starts: Int32Array, ends: Int32Array, marks: Uint8Array, timestamp: bigint) => InfluxRecord | undefined

/** A float value, or NaN when it is not finite (1e999). */
export function floatValue(text: string, bytes: Uint8Array, from: number, end: number): number {
  const value = shortFloat(bytes, from, end)
  if (!Number.isNaN(value)) return value
  const parsed = Number(text.slice(from, end))
  return Number.isFinite(parsed) ? parsed : Number.NaN
}

const SURROGATE = /[\uD800-\uDFFF]/

/**
 * A string value with escapes, its quotes at `from` and `end - 1`: unescaped by
 * JSON.parse; undefined when that fails, or when the value holds a newline or
 * a surrogate (the string way reports a bad one, and reads a pair itself).
 */
export function escapedString(text: string, from: number, end: number): string | undefined {
  let value: unknown
  try {
    value = JSON.parse(text.slice(from, end))
  } catch {
    return undefined
  }
  return typeof value === 'string' && !value.includes('\n') && !SURROGATE.test(value) ? value : undefined
}

/** A string value: without its quotes, unescaped where it has escapes; undefined as escapedString(). */
export function stringValue(text: string, from: number, end: number, mark: number): string | undefined {
  return mark === ESCAPED ? escapedString(text, from, end) : text.slice(from + 1, end - 1)
}

/** The builder for any shape. */
export function buildRecord(shape: ByteShape, text: string, bytes: Uint8Array, starts: Int32Array, ends: Int32Array, marks: Uint8Array, timestamp: bigint): InfluxRecord | undefined {
  const { types, fields: names } = shape
  const fields: Record<string, FieldValue> = {}
  for (let i = 0; i < types.length; i++) {
    switch (types[i]!) {
      case 'float': {
        const value = floatValue(text, bytes, starts[i]!, ends[i]!)
        if (Number.isNaN(value)) return undefined
        fields[names[i]!] = { type: 'float', value }
        break
      }
      case 'integer':
        fields[names[i]!] = { type: 'integer', value: decimalBigInt(bytes, starts[i]!, ends[i]!) }
        break
      case 'unsigned':
        fields[names[i]!] = { type: 'unsigned', value: decimalBigInt(bytes, starts[i]!, ends[i]!) }
        break
      case 'boolean':
        fields[names[i]!] = { type: 'boolean', value: marks[i] === TRUE_MARK }
        break
      case 'string': {
        const value = stringValue(text, starts[i]!, ends[i]!, marks[i]!)
        if (value === undefined) return undefined
        fields[names[i]!] = { type: 'string', value }
        break
      }
    }
  }
  return { measurement: shape.measurement, tags: { ...shape.tags }, fields, timestamp }
}

/** The source of one field's value object, for field i. */
function fieldSource(type: ByteShape['types'][number], i: number): string {
  switch (type) {
    case 'float':
      return `{ type: 'float', value: x${i} }`
    case 'integer':
    case 'unsigned':
      return `{ type: '${type}', value: BIG(b, S[${i}], E[${i}]) }`
    case 'boolean':
      return `{ type: 'boolean', value: K[${i}] === ${TRUE_MARK} }`
    case 'string':
      return `{ type: 'string', value: x${i} }`
  }
}

/**
 * A builder compiled for `shape`, giving the same records as buildRecord();
 * undefined when code generation is off (node --disallow-code-generation-from-strings).
 */
export function compileBuilder(shape: ByteShape): RecordBuilder | undefined {
  const tagKeys = Object.keys(shape.tags)
  // Keys in an object literal: "__proto__" would set the prototype (the name rules reject names that start with "_" anyway).
  if ([...tagKeys, ...shape.fields].includes('__proto__')) return undefined
  // Floats and strings first: either may send the line the string way.
  const values = shape.types.flatMap((type, i) => {
    if (type === 'float') return [`const x${i} = FLOAT(text, b, S[${i}], E[${i}])`, `if (x${i} !== x${i}) return undefined`]
    if (type === 'string') return [`const x${i} = K[${i}] === 0 ? text.slice(S[${i}] + 1, E[${i}] - 1) : STRING(text, S[${i}], E[${i}], K[${i}])`, `if (x${i} === undefined) return undefined`]
    return []
  })
  const tags = tagKeys.map((key, i) => `${lit(key)}: T[${i}]`)
  const fields = shape.fields.map((key, i) => `${lit(key)}: ${fieldSource(shape.types[i]!, i)}`)
  const source = [
    'return function buildShape(text, b, S, E, K, t) {',
    ...values,
    `return { measurement: M, tags: { ${tags.join(', ')} }, fields: { ${fields.join(', ')} }, timestamp: t }`,
    '}',
  ].join('\n')
  try {
    const factory = new Function('M', 'T', 'FLOAT', 'BIG', 'STRING', source)
    return factory(shape.measurement, tagKeys.map((key) => shape.tags[key]), floatValue, decimalBigInt, stringValue) as RecordBuilder
  } catch {
    return undefined
  }
}
