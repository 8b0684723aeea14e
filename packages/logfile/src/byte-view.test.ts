import { describe, expect, it } from 'vitest'
import { prng } from '../test/fixtures/random-records.js'
import { copyBytes, viewOf } from './byte-view.js'

/** `n` random ASCII bytes (1 to 127: no NUL, as in JSON text outside strings). */
function asciiBytes(random: () => number, n: number): Buffer {
  return Buffer.from(Array.from({ length: n }, () => 1 + Math.floor(random() * 127)))
}

describe('copyBytes', () => {
  it('copies every length from 0 to 40 bytes, from and to every offset in a word, and returns where it ends', () => {
    const random = prng(11)
    for (let length = 0; length <= 40; length++) {
      for (let from = 0; from < 8; from++) {
        for (let to = 0; to < 8; to++) {
          const source = asciiBytes(random, from + length + 8)
          const out = Buffer.alloc(to + length + 8, 0xff)
          const end = copyBytes(viewOf(out), to, viewOf(source), from, from + length)
          expect(end).toBe(to + length)
          expect(out.subarray(to, end).equals(source.subarray(from, from + length)), `length ${length} from ${from} to ${to}`).toBe(true)
          // Nothing before or after the copy is touched.
          expect(out.subarray(0, to).every((byte) => byte === 0xff)).toBe(true)
          expect(out.subarray(end).every((byte) => byte === 0xff)).toBe(true)
        }
      }
    }
  })

  it('keeps NUL bytes and every ASCII byte as they are (eight NULs are the double 0)', () => {
    const source = Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, ...Array.from({ length: 128 }, (_, i) => i), 0, 0, 0, 0, 0, 0, 0, 0])
    const out = Buffer.alloc(source.length, 0xff)
    copyBytes(viewOf(out), 0, viewOf(source), 0, source.length)
    expect(out.equals(source)).toBe(true)
  })
})

describe('eight ASCII bytes as a double (what the compiled byte code compares and copies)', () => {
  it('is never a NaN, whatever the two bytes that hold the exponent', () => {
    const random = prng(12)
    const view = new DataView(new ArrayBuffer(8))
    for (let high = 0; high < 128; high++) {
      for (let next = 0; next < 128; next++) {
        for (let k = 0; k < 6; k++) view.setUint8(k, Math.floor(random() * 128))
        view.setUint8(6, next)
        view.setUint8(7, high)
        expect(Number.isNaN(view.getFloat64(0, true)), `bytes 6 and 7: ${next} ${high}`).toBe(false)
      }
    }
  })

  it('is 0 only for eight NUL bytes, and otherwise equal exactly when the bytes are', () => {
    const random = prng(13)
    const a = new DataView(new ArrayBuffer(8))
    const b = new DataView(new ArrayBuffer(8))
    for (let n = 0; n < 100_000; n++) {
      const base = asciiBytes(random, 8)
      for (let k = 0; k < 8; k++) a.setUint8(k, base[k]!)
      // Often the same bytes but one, or all NULs but one.
      const other = n % 3 === 0 ? Buffer.alloc(8) : Buffer.from(base)
      other[Math.floor(random() * 8)] = Math.floor(random() * 128)
      for (let k = 0; k < 8; k++) b.setUint8(k, other[k]!)
      expect(a.getFloat64(0, true)).not.toBe(0)
      expect(a.getFloat64(0, true) === b.getFloat64(0, true), `${base.toString('hex')} ${other.toString('hex')}`).toBe(base.equals(other))
    }
  })
})
