import { Ajv } from 'ajv'
import { describe, expect, it } from 'vitest'
import { describeSchemaErrors, jsonlLineSchema, jsonlLineValidator } from './jsonl-schema.js'

const messageFor = (value: unknown) => {
  const validate = jsonlLineValidator()
  expect(validate(value)).toBe(false)
  return describeSchemaErrors(validate.errors)
}

describe('jsonlLineSchema', () => {
  it('compiles under ajv strict mode and accepts every typed field', () => {
    const validate = new Ajv({ strict: true }).compile(jsonlLineSchema)
    expect(validate({ time: '-1', measurement: 'm', tags: { a: 'b' }, fields: { f: 1.5, s: 'x', b: true, i: { i: '-9223372036854775808' }, u: { u: '18446744073709551615' } } })).toBe(true)
    expect(validate({ time: '1', measurement: 'm', fields: { i: { i: '1', u: '1' } } })).toBe(false)
    expect(validate({ time: '01x', measurement: 'm', fields: { f: 1 } })).toBe(false)
  })

  it('explains a failure in one sentence naming the field or key', () => {
    expect(messageFor({ time: '1', measurement: 'm', fields: { 'a/b': null } })).toBe('field "a/b" must be a number (float), string, boolean, {"i": "<int64>"} or {"u": "<uint64>"}')
    expect(messageFor({ time: '1', measurement: 'm', tags: { t: 1 }, fields: { f: 1 } })).toBe('tags.t must be string')
    expect(messageFor({ measurement: 'm', fields: { f: 1 } })).toBe("the line must have required property 'time'")
    expect(messageFor([1])).toBe('the line must be object')
  })

  it('says what a time is, rather than quoting the pattern', () => {
    const expected = 'time must be integer nanoseconds since the epoch as a decimal string of at most 19 digits, such as "1617672549204824064"'
    expect(messageFor({ time: '1.6e18', measurement: 'm', fields: { f: 1 } })).toBe(expected)
    expect(messageFor({ time: 1617672549, measurement: 'm', fields: { f: 1 } })).toBe(expected)
    expect(messageFor({ time: '16176725492048240640', measurement: 'm', fields: { f: 1 } })).toBe(expected)
  })
})
