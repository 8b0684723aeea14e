import { describe, expect, it } from 'vitest'
import { prng } from '../test/fixtures/random-records.js'
import { floatOfText, integerOfText, type IntegerKind } from './number-text.js'
import { INT64_MAX, INT64_MIN, TIMESTAMP_MAX, TIMESTAMP_MIN, UINT64_MAX } from './record.js'

// The references: csv-plan.ts's grammar, as regular expressions, and the JS parsers.
const FLOAT = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/
const INTEGER: Record<IntegerKind, { grammar: RegExp; min: bigint; max: bigint }> = {
  signed: { grammar: /^[-+]?\d+$/, min: INT64_MIN, max: INT64_MAX },
  unsigned: { grammar: /^\+?\d+$/, min: 0n, max: UINT64_MAX },
  time: { grammar: /^-?\d+$/, min: TIMESTAMP_MIN, max: TIMESTAMP_MAX },
}

function referenceFloat(text: string): number {
  const value = FLOAT.test(text) ? Number(text) : Number.NaN
  return Number.isFinite(value) ? value : Number.NaN
}

function referenceInteger(text: string, kind: IntegerKind): bigint | undefined {
  const { grammar, min, max } = INTEGER[kind]
  if (!grammar.test(text)) return undefined
  const value = BigInt(text)
  return value >= min && value <= max ? value : undefined
}

/** Random texts near numbers: digits, signs, points, exponents, and a few characters Number() or BigInt() would take. */
function randomTexts(count: number, seed: number): string[] {
  const random = prng(seed)
  const pieces = ['0', '1', '5', '9', '0', '7', '3', '-', '+', '.', 'e', 'E', 'x', 'b', 'o', ' ', '\t', '_', 'Infinity', 'n', '9223372036854775807', '18446744073709551615', '000000', '1e308', '4.9e-324', '9007199254740993']
  return Array.from({ length: count }, () => {
    let text = ''
    for (let n = 1 + Math.floor(random() * 8); n > 0; n--) text += pieces[Math.floor(random() * pieces.length)]
    return text
  })
}

const EDGES = ['0', '-0', '+0', '-0.0', '.5', '5.', '-.5', '+.5', '.', '-', '+', '', '1e5', '1E+5', '1e-5', '1e', '1e+', '.e5', '0x10', '0X10', '0b1', '0o7', '00x1', ' 1', '1 ', 'Infinity', '-Infinity', '1e400', '-1e400', '1e-400', '9007199254740991', '9007199254740992', '9007199254740993', '0.1', '0.30000000000000004', '123456789012345.67', '0.0000000000000000000000001', '1.00000000000000000000000001', '9223372036854775806', '9223372036854775807', '9223372036854775808', '-9223372036854775806', '-9223372036854775807', '-9223372036854775808', '-9223372036854775809', '18446744073709551615', '18446744073709551616', '99999999999999999999', '000000000000000000000000009223372036854775807', '1234567890123456789', '999999999999999', '1000000000000000', '9'.repeat(308), '9'.repeat(309), `-${'9'.repeat(400)}.5`, `0.${'0'.repeat(400)}1`, '21.504012036108325']

describe('floatOfText', () => {
  it('reads what csv-plan.ts reads as a finite double, the same double (-0 included), and nothing else', () => {
    for (const text of [...EDGES, ...randomTexts(50_000, 11)]) {
      const expected = referenceFloat(text)
      const got = floatOfText(`,${text},`, 1, text.length + 1)
      expect(Object.is(got, expected), `${JSON.stringify(text)}: ${got} vs ${expected}`).toBe(true)
    }
  })

  it('reads random decimals of up to 17 digits, with a point anywhere, as Number() does', () => {
    const random = prng(12)
    for (let n = 0; n < 50_000; n++) {
      const digits = String(Math.floor(random() * 1e17)).padStart(1 + Math.floor(random() * 17), '0')
      const at = Math.floor(random() * (digits.length + 1))
      const text = `${random() < 0.5 ? '-' : ''}${digits.slice(0, at)}.${digits.slice(at)}`
      expect(Object.is(floatOfText(text, 0, text.length), Number(text)), text).toBe(true)
    }
  })
})

describe('integerOfText', () => {
  it('reads what csv-plan.ts reads for each kind, the same value in range, and nothing else', () => {
    for (const kind of ['signed', 'unsigned', 'time'] as const) {
      for (const text of [...EDGES, ...randomTexts(30_000, 13)]) {
        expect(integerOfText(`"${text}"`, 1, text.length + 1, kind), `${kind} ${JSON.stringify(text)}`).toBe(referenceInteger(text, kind))
      }
    }
  })
})
