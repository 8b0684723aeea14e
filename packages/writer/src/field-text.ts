import type { FieldType, FieldValue } from '@eht-influx-client/logfile'
import { booleanText, quotedString } from './lp-probe.js'

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
const UINT64_MAX = 2n ** 64n - 1n
/** Printable ASCII without " and \: quoted as it is. */
const PLAIN_STRING = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/

/** A field's problem; the caller adds row and column. */
export class FieldProblem extends Error {}

/** `the string "x"`, `the number 7`, `null`... for messages. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value)}`
  if (typeof value === 'object') return value === null ? 'null' : Array.isArray(value) ? 'an array' : 'an object'
  return `the ${typeof value} ${String(value)}`
}

function expected(type: FieldType): string {
  return type === 'float' ? 'a number' : type === 'string' ? 'a string' : type === 'boolean' ? 'a boolean' : 'a bigint or a whole number'
}

function wrong(declared: FieldType, value: unknown): FieldProblem {
  return new FieldProblem(`fieldTypes says ${declared}, but the value is ${describeValue(value)}; expected ${expected(declared)}`)
}

function integer(type: 'integer' | 'unsigned', value: bigint): string {
  if (type === 'integer' ? value < INT64_MIN || value > INT64_MAX : value < 0n || value > UINT64_MAX) {
    throw new FieldProblem(`${value} is outside the ${type === 'integer' ? 'int64' : 'uint64'} range of an ${type} field`)
  }
  return type === 'integer' ? `${value}i` : `${value}u`
}

/**
 * A field value's line-protocol text, by its declared type (fieldTypes) or its
 * JS type: number = float, bigint = integer, string, boolean. `typed` receives
 * the typed value for the logfile record when wanted.
 */
export function fieldText(value: unknown, declared: FieldType | undefined, typed?: (v: FieldValue) => void): string {
  switch (typeof value) {
    case 'number':
      if (declared === undefined || declared === 'float') {
        if (!Number.isFinite(value)) throw new FieldProblem(`field value is ${value}; InfluxDB accepts only finite numbers`)
        typed?.({ type: 'float', value })
        return String(value)
      }
      if (declared === 'integer' || declared === 'unsigned') {
        if (!Number.isSafeInteger(value)) throw new FieldProblem(`fieldTypes says ${declared}, but ${value} is not a whole number below 2^53; pass a bigint`)
        const big = BigInt(value)
        const text = integer(declared, big)
        typed?.({ type: declared, value: big })
        return text
      }
      throw wrong(declared, value)
    case 'bigint': {
      if (declared !== undefined && declared !== 'integer' && declared !== 'unsigned') throw wrong(declared, value)
      const type = declared ?? 'integer'
      const text = integer(type, value)
      typed?.({ type, value })
      return text
    }
    case 'string':
      if (declared !== undefined && declared !== 'string') throw wrong(declared, value)
      typed?.({ type: 'string', value })
      return PLAIN_STRING.test(value) ? `"${value}"` : quotedString(value)
    case 'boolean':
      if (declared !== undefined && declared !== 'boolean') throw wrong(declared, value)
      typed?.({ type: 'boolean', value })
      return booleanText(value)
    default:
      throw new FieldProblem(`field value is ${describeValue(value)}; fields are numbers, bigints, strings or booleans (null/undefined = no value)`)
  }
}
