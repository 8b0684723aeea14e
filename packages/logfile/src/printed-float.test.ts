import { describe, expect, it } from 'vitest'
import { isPrintedAs, isPrintedFloat } from './printed-float.js'
import { jsonlLineToLineProtocol } from './jsonl-to-lp.js'

/** The decision for `text` standing alone between other characters (the function reads only its range). */
const printed = (text: string): boolean => isPrintedAs(`[${text}]`, 1, text.length + 1, Number(text))
/** The same by isPrintedFloat, which parses the text only when the value computed from its digits is not proven. */
const printedFloat = (text: string): boolean => isPrintedFloat(`[${text}]`, 1, text.length + 1)
const truth = (text: string): boolean => String(Number(text)) === text

/** A deterministic stream of 32-bit words. */
function words(seed: number): () => number {
  let state = seed
  return () => {
    state = (state * 48271) % 2147483647
    return (state * 2.000000000931 + (state >>> 7)) >>> 0
  }
}

/** Doubles over many magnitudes: random bit patterns, and decimals scaled by powers of ten. */
function* doubles(count: number): Generator<number> {
  const next = words(0x2545f491)
  const bits = new Float64Array(1)
  const halves = new Uint32Array(bits.buffer)
  for (let i = 0; i < count; i++) {
    if (i % 2 === 0) {
      halves[0] = next()
      halves[1] = next()
      if (Number.isFinite(bits[0])) yield bits[0]!
    } else {
      yield ((next() / 2 ** 32 - 0.5) * 10 ** ((next() % 80) - 40))
    }
  }
}

/** Texts near String(x) that parse to x or to a neighbour: its last digit moved, 16 and 17 digit forms, its neighbours. */
function* texts(x: number): Generator<string> {
  const text = String(x)
  yield text
  const match = /^(-?[\d.]*?)(\d)(e[+-]\d+)?$/.exec(text)
  if (match !== null) {
    for (const step of [-2, -1, 1, 2]) {
      const digit = Number(match[2]) + step
      if (digit >= 0 && digit <= 9) yield `${match[1]}${digit}${match[3] ?? ''}`
    }
  }
  for (const digits of [16, 17]) {
    const exponential = x.toExponential(digits - 1)
    yield exponential
    // JS's own layout for 16 or 17 digits: right where a shorter text exists.
    const [mantissa, exponent] = exponential.split('e') as [string, string]
    const power = Number(exponent)
    if (power >= -7 && power < 21) yield x.toFixed(Math.max(0, digits - 1 - power))
  }
  const bits = new Float64Array([x])
  const whole = new BigUint64Array(bits.buffer)
  whole[0]! += 1n
  yield String(bits[0])
  whole[0]! -= 2n
  yield String(bits[0])
}

describe('isPrintedAs and isPrintedFloat', () => {
  it('never say a text is printed as JS prints its number when it is not (over a million texts)', () => {
    let checked = 0
    let taken = 0
    let canonical = 0
    let canonicalTaken = 0
    let canonicalTakenFloat = 0
    for (const x of doubles(120_000)) {
      for (const text of texts(x)) {
        if (!Number.isFinite(Number(text))) continue
        checked++
        const decided = printed(text)
        const decidedFloat = printedFloat(text)
        const right = truth(text)
        if (decided) {
          taken++
          if (!right) expect.fail(`${text} taken, but String(Number(text)) is ${String(Number(text))}`)
        }
        if (decidedFloat && !right) expect.fail(`${text} taken by isPrintedFloat, but String(Number(text)) is ${String(Number(text))}`)
        const magnitude = Math.abs(Number(text))
        if (right && magnitude >= 1e-250 && magnitude <= 1e250) {
          canonical++
          if (decided) canonicalTaken++
          if (decidedFloat) canonicalTakenFloat++
        }
      }
    }
    expect(checked).toBeGreaterThan(1_000_000)
    expect(taken).toBeGreaterThan(300_000)
    // Inside its range the check decides nearly every text JS prints itself (it misses exact ties, large integers whose shorter neighbour lies exactly half a unit away, texts within 1e-7 of a power of ten and powers of two).
    expect(canonicalTaken / canonical).toBeGreaterThan(0.99)
    expect(canonicalTakenFloat / canonical).toBeGreaterThan(0.99)
  })

  it('takes the numbers a station logs, as JS prints them', () => {
    for (let i = 1; i <= 20_000; i++) {
      const text = String(Math.sin(i) * 1e-7)
      if (!printed(text)) expect(['', text]).toEqual(['taken', text])
    }
    for (const text of ['0.30000000000000004', '8.414709848078964e-8', '1.7976931348623156e+200', '451260654000220700000', '-40968237952780090', '123456789012345.67', '0.000012345678901234568', '21.5', '1e-7', '-4.5e+21']) {
      expect([text, printed(text)]).toEqual([text, true])
    }
  })

  it('refuses what JS would print otherwise: a closer or shorter text, another layout, zeros JS leaves out', () => {
    for (const text of [
      '0.10000000000000001', // JS prints 0.1
      '0.30000000000000003', // the same double; 0.30000000000000004 is closer to it
      '8.4147098480789640e-8',
      '8.414709848078964E-8',
      '8.414709848078964e-08',
      '1e+7',
      '1e21',
      '0.0000001',
      '00.5',
      '1.',
      '.5',
      '-',
      '1e300',
      '123456789012345678',
    ]) {
      expect([text, truth(text), printed(text)]).toEqual([text, false, false])
    }
  })

  it('leaves to the caller what it does not decide: beyond 1e+/-250, powers of two', () => {
    for (const text of ['5e-324', '1.7976931348623157e+308', '1e-300', '0.5', '1024', '9.313225746154785e-10']) {
      expect([text, truth(text), printed(text)]).toEqual([text, true, text === '0.5' || text === '1024'])
    }
  })

  it('reads only the range it is given', () => {
    const line = '{"v":8.414709848078964e-8,"w":0.10000000000000001}'
    expect(isPrintedAs(line, 5, 25, 8.414709848078964e-8)).toBe(true)
    expect(isPrintedAs(line, 30, 49, 0.1)).toBe(false)
  })

  it('the transcoder sends a 16-17 digit float as written when JS prints it so, and prints any other one as JS does', () => {
    const line = (v: string) => `{"time":"1617672549204824064","measurement":"m","tags":{"s":"Kp"},"fields":{"v":${v}}}`
    for (const [text, lp] of [
      ['8.414709848078964e-8', '8.414709848078964e-8'],
      ['0.30000000000000004', '0.30000000000000004'],
      ['0.10000000000000001', '0.1'],
      ['0.30000000000000003', '0.30000000000000004'],
      ['8.4147098480789640e-8', '8.414709848078964e-8'],
      // Short, but below the normal doubles, where two short decimals can share a double: printed again.
      ['3e-324', '5e-324'],
    ] as const) {
      // Twice each, so the second goes through the shape already known.
      for (let i = 0; i < 2; i++) expect(jsonlLineToLineProtocol(line(text))).toBe(`m,s=Kp v=${lp} 1617672549204824064`)
    }
  })
})
