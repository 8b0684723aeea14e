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
 * field with no declared type, or with several (written with different types
 * in different shards), throws: the JSON text of a float may be a whole number
 * (`3`), so guessing could turn an integer into a float or back, and InfluxQL
 * answers only one of the types over several shards (the export leaves such a
 * measurement out before reading it; this guards a type that appeared while it ran).
 * `source` names where the types came from (e.g. the query), for the message.
 */
export function numericType(declared: readonly FieldType[] | undefined, text: string, source = 'the server'): FieldType {
  if (declared === undefined || declared.length === 0) {
    throw new Error(`${source} gives no type for this field, so its value ${text} cannot be told integer or float (the export stops rather than guess)`)
  }
  if (declared.length > 1) {
    throw new Error(`${source} gives this field several types (${declared.join(', ')}, in different shards), so its value ${text} cannot be told apart (the export stops rather than guess)`)
  }
  if (declared[0] === 'string' || declared[0] === 'boolean') throw new Error(`${source} gives this field the type ${declared[0]}, but its value is the number ${text}`)
  return declared[0]!
}
