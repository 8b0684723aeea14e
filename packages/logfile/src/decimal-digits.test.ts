import { describe, expect, it } from 'vitest'
import { prng } from '../test/fixtures/random-records.js'
import { decimalBigInt, shortFloat } from './decimal-digits.js'

const bytesOf = (text: string) => Buffer.from(`[${text}]`, 'latin1')
const short = (text: string) => shortFloat(bytesOf(text), 1, text.length + 1)
const big = (text: string) => decimalBigInt(bytesOf(text), 1, text.length + 1)

function digits(random: () => number, n: number, first = '0123456789'): string {
  let text = first[Math.floor(random() * first.length)]!
  for (let i = 1; i < n; i++) text += String(Math.floor(random() * 10))
  return text
}

describe('shortFloat', () => {
  it('equals Number(text) for every JSON number of at most 15 digits without an exponent, and is NaN for the rest', () => {
    const random = prng(7)
    let exact = 0
    for (let n = 0; n < 200_000; n++) {
      const whole = random() < 0.3 ? '0' : digits(random, 1 + Math.floor(random() * 12), '123456789')
      const fraction = random() < 0.2 ? '' : `.${digits(random, 1 + Math.floor(random() * 19))}`
      const exponent = random() < 0.05 ? `e${Math.floor(random() * 40) - 20}` : ''
      const text = `${random() < 0.3 ? '-' : ''}${whole}${fraction}${exponent}`
      const count = text.replace(/[^0-9]/g, '').length - (exponent === '' ? 0 : exponent.replace(/[^0-9]/g, '').length)
      const value = short(text)
      if (exponent !== '' || count > 15) {
        expect(value, text).toBeNaN()
        continue
      }
      expect(Object.is(value, Number(text)), `${text}: ${value} against ${Number(text)}`).toBe(true)
      exact++
    }
    expect(exact).toBeGreaterThan(100_000)
  })

  it('keeps the sign of zero, and reads the largest and smallest fractions it takes', () => {
    expect(Object.is(short('-0'), -0)).toBe(true)
    expect(Object.is(short('-0.000'), -0)).toBe(true)
    expect(Object.is(short('0'), 0)).toBe(true)
    expect(short('999999999999999')).toBe(999999999999999)
    expect(short('0.00000000000001')).toBe(1e-14)
    expect(short('0.1')).toBe(0.1)
    expect(short('1234567890123456')).toBeNaN()
  })
})

describe('decimalBigInt', () => {
  it('equals BigInt(text) for integers of 1 to 20 digits in 64 bits (int64 with a minus, uint64 without), in any order', () => {
    const random = prng(8)
    let checked = 0
    for (let n = 0; n < 120_000; n++) {
      const text = `${random() < 0.3 ? '-' : ''}${digits(random, 1 + Math.floor(random() * 20), '123456789')}`
      const value = BigInt(text)
      if (value < -(2n ** 63n) || value >= 2n ** 64n) continue
      expect(big(text), text).toBe(value)
      checked++
    }
    expect(checked).toBeGreaterThan(100_000)
    const limits = ['18446744073709551615', '9223372036854775807', '9223372036854775808', '-9223372036854775808', '-9223372036854775807', '4294967296', '4294967295', '-4294967296', '-4294967295', '281474976710656', '1000000000000000', '999999999999999', '-1', '0', '1']
    for (const text of limits) expect(big(text), text).toBe(BigInt(text))
  })

  it('equals BigInt(text) for timestamps that share their first digits with the one before, and for those that do not', () => {
    const random = prng(9)
    let t = 1617672549204824064n
    for (let n = 0; n < 50_000; n++) {
      t += BigInt(Math.floor(random() * 3e8)) - (random() < 0.1 ? 2_000_000_000n : 0n)
      const text = String(random() < 0.05 ? -t : t)
      expect(big(text), text).toBe(BigInt(text))
    }
    for (const text of ['1617672549999999999', '1617672550000000000', '1617672549000000000', '-1617672549000000000', '18446744073709551615', '-9223372036854775808', '0', '-1']) {
      expect(big(text), text).toBe(BigInt(text))
    }
  })
})

