import { describe, expect, it } from 'vitest'
import { isNumberText, parseJsonExact } from './exact-json.js'

describe('parseJsonExact', () => {
  it('keeps 19-digit ns timestamps and int64 values exactly as written', () => {
    const parsed = parseJsonExact('{"values":[[1617672549204824064,9223372036854775807,-9223372036854775808,2.5e-7,0]]}') as { values: unknown[][] }
    const row = parsed.values[0]!
    expect(row.map((v) => (isNumberText(v) ? v.$n : v))).toEqual(['1617672549204824064', '9223372036854775807', '-9223372036854775808', '2.5e-7', '0'])
    expect(BigInt((row[0] as { $n: string }).$n)).toBe(1617672549204824064n)
  })

  it('leaves digits inside strings, escaped quotes, booleans and null alone', () => {
    const text = '["a \\"12\\" b", "x\\\\", "-3", true, false, null, {"k": "1e5"}]'
    expect(parseJsonExact(text)).toEqual(['a "12" b', 'x\\', '-3', true, false, null, { k: '1e5' }])
  })

  it('tells a number from a string holding the same digits', () => {
    const [num, str] = parseJsonExact('[42, "42"]') as unknown[]
    expect(isNumberText(num)).toBe(true)
    expect(isNumberText(str)).toBe(false)
  })

  it('throws on text that is not JSON', () => {
    expect(() => parseJsonExact('{"results": [')).toThrow(SyntaxError)
  })
})
