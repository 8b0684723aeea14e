import { describe, expect, it } from 'vitest'
import { prng } from '../test/fixtures/random-records.js'
import { fourDigits } from './jsonl-byte-match.js'

/** The word of four ASCII bytes, as DataView.getUint32 reads it big-endian (the default) or little-endian. */
const word = (bytes: readonly number[], littleEndian = false): number => (littleEndian ? Buffer.from(bytes).readUInt32LE(0) : Buffer.from(bytes).readUInt32BE(0))

describe('fourDigits', () => {
  it('is true exactly when all four bytes are digits: every ASCII byte at every position', () => {
    for (let at = 0; at < 4; at++) {
      for (let byte = 0; byte < 128; byte++) {
        const bytes = [0x35, 0x30, 0x39, 0x31]
        bytes[at] = byte
        expect(fourDigits(word(bytes)), `${bytes}`).toBe(byte >= 0x30 && byte <= 0x39)
        expect(fourDigits(word(bytes, true)), `${bytes}, little-endian`).toBe(byte >= 0x30 && byte <= 0x39)
      }
    }
  })

  it('on 100000 random ASCII words, mostly digits', () => {
    const random = prng(4)
    let digitWords = 0
    for (let n = 0; n < 100_000; n++) {
      const bytes = Array.from({ length: 4 }, () => (random() < 0.8 ? 0x30 + Math.floor(random() * 10) : Math.floor(random() * 128)))
      const all = bytes.every((b) => b >= 0x30 && b <= 0x39)
      if (all) digitWords++
      expect(fourDigits(word(bytes)), `${bytes}`).toBe(all)
      expect(fourDigits(word(bytes, true)), `${bytes}, little-endian`).toBe(all)
    }
    expect(digitWords).toBeGreaterThan(30_000)
  })
})
