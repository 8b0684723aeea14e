import { INT64_MAX, INT64_MIN, UINT64_MAX, type FieldValue } from './record.js'
import { quoteCell } from './csv-cells.js'
import { quoteString } from './lp-escape.js'
import { checkField } from './name-rules.js'

// Each encoder checks a value on its fast path (one regex tells "nothing to
// escape and nothing to reject" for strings) and leaves every other case to
// checkField(), which throws the precise RecordError.

/** String values each format's fast path leaves to the slow one (escaping, or a closer check). */
export const LP_STRING_SLOW = /["\\\n\uD800-\uDFFF]/
export const JSON_STRING_SLOW = /["\\\x00-\x1f\uD800-\uDFFF]/
export const CSV_STRING_SLOW = /[",\r\n\uD800-\uDFFF]/

function invalid(name: string, field: unknown): never {
  checkField(name, field)
  throw new Error(`field ${name} passed checkField but no encoder`) // unreachable
}

/** An integer or unsigned value's decimal text, or undefined when out of range. */
function integerText(field: FieldValue): string | undefined {
  const v = field.value
  if (typeof v !== 'bigint') return undefined
  if (field.type === 'integer' ? v >= INT64_MIN && v <= INT64_MAX : v >= 0n && v <= UINT64_MAX) return v.toString()
  return undefined
}

function floatText(field: FieldValue): string | undefined {
  const v = field.value
  return typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined
}

/** `1.5`, `-3i`, `3u`, `"text"`, `T` (booleans as `Point.toLineProtocol()` writes them). */
export function lpValue(name: string, field: FieldValue): string {
  switch (field?.type) {
    case 'float':
      return floatText(field) ?? invalid(name, field)
    case 'integer':
    case 'unsigned': {
      const text = integerText(field)
      if (text !== undefined) return field.type === 'integer' ? `${text}i` : `${text}u`
      break
    }
    case 'string': {
      const v = field.value
      if (typeof v === 'string' && !LP_STRING_SLOW.test(v)) return `"${v}"`
      checkField(name, field)
      return quoteString(v)
    }
    case 'boolean':
      if (typeof field.value === 'boolean') return field.value ? 'T' : 'F'
  }
  return invalid(name, field)
}

/** JSONL: a number is a float, `{"i":"-3"}` an integer, `{"u":"3"}` an unsigned. */
export function jsonValue(name: string, field: FieldValue): string {
  switch (field?.type) {
    case 'float':
      return floatText(field) ?? invalid(name, field)
    case 'integer':
    case 'unsigned': {
      const text = integerText(field)
      if (text !== undefined) return field.type === 'integer' ? `{"i":"${text}"}` : `{"u":"${text}"}`
      break
    }
    case 'string': {
      const v = field.value
      if (typeof v === 'string' && !JSON_STRING_SLOW.test(v)) return `"${v}"`
      checkField(name, field)
      return JSON.stringify(v)
    }
    case 'boolean':
      if (typeof field.value === 'boolean') return field.value ? 'true' : 'false'
  }
  return invalid(name, field)
}

/** An annotated-CSV cell (the column's datatype carries the type). */
export function csvValue(name: string, field: FieldValue): string {
  switch (field?.type) {
    case 'float':
      return floatText(field) ?? invalid(name, field)
    case 'integer':
    case 'unsigned':
      return integerText(field) ?? invalid(name, field)
    case 'string': {
      const v = field.value
      if (typeof v === 'string' && v !== '' && !CSV_STRING_SLOW.test(v)) return v
      checkField(name, field)
      return quoteCell(v)
    }
    case 'boolean':
      if (typeof field.value === 'boolean') return field.value ? 'true' : 'false'
  }
  return invalid(name, field)
}
