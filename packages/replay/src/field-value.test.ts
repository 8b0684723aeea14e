import { describe, expect, it } from 'vitest'
import { fieldValue, numericType } from './field-value.js'

describe('fieldValue', () => {
  it('reads every field type without rounding', () => {
    expect(fieldValue('integer', '-9223372036854775808')).toEqual({ type: 'integer', value: -9223372036854775808n })
    expect(fieldValue('unsigned', '18446744073709551615')).toEqual({ type: 'unsigned', value: 18446744073709551615n })
    expect(fieldValue('float', '0.1')).toEqual({ type: 'float', value: 0.1 })
    expect(fieldValue('float', '1')).toEqual({ type: 'float', value: 1 })
    expect(fieldValue('string', '')).toEqual({ type: 'string', value: '' })
    expect(fieldValue('boolean', 'false')).toEqual({ type: 'boolean', value: false })
  })

  it('says what does not fit the type', () => {
    expect(() => fieldValue('integer', '1.5')).toThrow('integer value "1.5" is not a whole number')
    expect(() => fieldValue('unsigned', '-1')).toThrow('unsigned value "-1"')
    expect(() => fieldValue('float', '')).toThrow('not a finite number')
    expect(() => fieldValue('float', 'NaN')).toThrow('not a finite number')
    expect(() => fieldValue('boolean', 'yes')).toThrow('neither true nor false')
  })
})

describe('numericType', () => {
  it('follows the declared type', () => {
    expect(numericType(['integer'], '5')).toBe('integer')
    expect(numericType(['float'], '5')).toBe('float')
  })

  it('refuses to guess when nothing is declared, naming where the types came from', () => {
    expect(() => numericType(undefined, '5', 'SHOW FIELD KEYS')).toThrow('SHOW FIELD KEYS gives no type for this field, so its value 5 cannot be told integer or float')
    expect(() => numericType([], '5.5')).toThrow('the server gives no type for this field')
  })

  it('refuses to guess when a field has several types (one per shard), naming them', () => {
    expect(() => numericType(['float', 'integer'], '5', 'SHOW FIELD KEYS')).toThrow('SHOW FIELD KEYS gives this field several types (float, integer, in different shards)')
    expect(() => numericType(['float', 'integer'], '5.5')).toThrow('cannot be told apart')
    expect(() => numericType(['string', 'float'], '5')).toThrow('several types (string, float')
  })

  it('refuses a number for a field declared string or boolean', () => {
    expect(() => numericType(['string'], '5')).toThrow('the type string, but its value is the number 5')
  })
})
