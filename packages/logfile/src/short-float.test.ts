import { describe, expect, it } from 'vitest'
import { isShortPrintedFloat } from './printed-float.js'
import { jsonlLineToLineProtocol } from './jsonl-to-lp.js'

const short = (text: string): boolean => isShortPrintedFloat(`[${text}]`, 1, text.length + 1)

/** A deterministic stream of doubles over many magnitudes. */
function* doubles(count: number): Generator<number> {
  let seed = 0x2545f491
  const next = (): number => (seed = (seed * 48271) % 2147483647) / 2147483647
  for (let i = 0; i < count; i++) yield (next() - 0.5) * 10 ** Math.floor(next() * 40 - 12)
}

describe('isShortPrintedFloat', () => {
  it('takes plain JS-printed floats of up to 15 significant digits', () => {
    for (const text of ['0', '21.5', '-3', '12.000123', '1500', '-0.5', '0.00001', '0.000001', '0.000012345678901234', '123456789012345', '123456789012345000000', '99999.9999999999']) {
      expect([text, short(text)]).toEqual([text, true])
      expect(String(Number(text))).toBe(text)
    }
  })

  it('leaves everything else to the parse-and-print check: -0, zeros JS would not print, exponents, 16-17 digits, bad syntax', () => {
    for (const text of ['-0', '-0.0', '0.0', '1.50', '01', '00.5', '1.', '.5', '-', '', '0.0000001', '1e+21', '1e5', '1E5', '5e-324', '1234567890123456', '0.1000000000000001', '12345678901234567890123', '1x', '1.2.3', '+1', '0x10', 'NaN', 'Infinity']) {
      expect([text, short(text)]).toEqual([text, false])
    }
  })

  it('never takes a text that String(Number(text)) would print differently (100,000 numbers in many layouts)', () => {
    let taken = 0
    let checked = 0
    for (const x of doubles(20_000)) {
      const layouts = [String(x), x.toPrecision(1 + (checked % 17)), x.toFixed(Math.min(20, checked % 12)), x.toExponential(checked % 10), String(Math.round(x))]
      for (const text of layouts) {
        checked++
        if (!short(text)) continue
        taken++
        expect([text, String(Number(text))]).toEqual([text, text])
      }
    }
    expect(checked).toBe(100_000)
    expect(taken).toBeGreaterThan(20_000)
  })

  it('reads only the range it is given', () => {
    expect(isShortPrintedFloat('{"v":21.5,"w":1e5}', 5, 9)).toBe(true)
    expect(isShortPrintedFloat('{"v":21.5,"w":1e5}', 14, 17)).toBe(false)
  })

  it('the transcoder sends such a float as written, and still prints any other one as JS does', () => {
    const line = (v: string) => `{"time":"1617672549204824064","measurement":"m","tags":{"s":"Kp"},"fields":{"v":${v}}}`
    // Twice each, so the second goes through the shape already known.
    for (const [text, lp] of [
      ['21.5', '21.5'],
      ['1.50', '1.5'],
      ['1E5', '100000'],
      ['0.1000000000000000055511', '0.1'],
      ['0.000001', '0.000001'],
      ['0.0000001', '1e-7'],
    ] as const) {
      for (let i = 0; i < 2; i++) expect(jsonlLineToLineProtocol(line(text))).toBe(`m,s=Kp v=${lp} 1617672549204824064`)
    }
  })
})
