import type { FieldType, FieldValue } from '@eht-influx-client/logfile'

const INTEGER = /^-?\d+$/

/** The typed value of a field from its text; throws an Error saying what does not fit. */
export function fieldValue(type: FieldType, text: string): FieldValue {
  switch (type) {
    case 'float': {
      const value = Number(text)
      if (text.trim() === '' || !Number.isFinite(value)) throw new Error(`float value ${JSON.stringify(text)} is not a finite number`)
      return { type, value }
    }
    case 'integer':
    case 'unsigned':
      if (!INTEGER.test(text) || (type === 'unsigned' && text.startsWith('-'))) throw new Error(`${type} value ${JSON.stringify(text)} is not a whole number`)
      return { type, value: BigInt(text) }
    case 'string':
      return { type, value: text }
    case 'boolean':
      if (text !== 'true' && text !== 'false') throw new Error(`boolean value ${JSON.stringify(text)} is neither true nor false`)
      return { type, value: text === 'true' }
  }
}

/**
 * The type of a numeric field from the types a server declares for it. A
 * field written with different types in different shards is read as integer
 * when its text is a whole number and integer is one of them, else as float.
 * A field with no declared type throws: the JSON text of a float may be a
 * whole number (`3`), so guessing could turn an integer into a float or back.
 * `source` names where the types came from (e.g. the query), for the message.
 */
export function numericType(declared: readonly FieldType[] | undefined, text: string, source = 'the server'): FieldType {
  if (declared === undefined || declared.length === 0) {
    throw new Error(`${source} gives no type for this field, so its value ${text} cannot be told integer or float (the export stops rather than guess)`)
  }
  if (declared.length === 1 && declared[0] !== 'string' && declared[0] !== 'boolean') return declared[0]!
  if (INTEGER.test(text) && declared.includes('integer')) return 'integer'
  if (INTEGER.test(text) && declared.includes('unsigned') && !text.startsWith('-')) return 'unsigned'
  return 'float'
}
