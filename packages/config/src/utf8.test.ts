import { describe, expect, it } from 'vitest'
import { ConfigSyntaxError } from './errors.js'
import { decodeConfigText, invalidUtf8At } from './utf8.js'
import { expectConfigError } from '../test/expect-config-error.js'

const fatal = new TextDecoder('utf-8', { fatal: true })
const isUtf8 = (bytes: Uint8Array) => {
  try {
    fatal.decode(bytes)
    return true
  } catch {
    return false
  }
}

describe('invalidUtf8At', () => {
  it.each([
    ['ascii', [0x61, 0x62], undefined],
    ['é', [0x4b, 0xc3, 0xa9], undefined],
    ['€ and 😀', [0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80], undefined],
    ['U+10FFFF', [0xf4, 0x8f, 0xbf, 0xbf], undefined],
    ['Latin-1 é', [0x4b, 0xe9, 0x0a], 1],
    ['a stray continuation byte', [0x61, 0x80], 1],
    ['overlong /', [0xc0, 0xaf], 0],
    ['overlong 3-byte', [0xe0, 0x80, 0xaf], 0],
    ['a surrogate', [0x61, 0xed, 0xa0, 0x80], 1],
    ['above U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0],
    ['cut short at the end', [0x61, 0x62, 0xe2, 0x82], 2],
    ['0xFF', [0xff, 0xfe, 0x5b, 0x00], 0],
  ])('%s', (_, bytes, at) => {
    expect(invalidUtf8At(Uint8Array.from(bytes))).toBe(at)
    // Agrees with the platform's strict decoder on whether the bytes are UTF-8 at all.
    expect(isUtf8(Uint8Array.from(bytes))).toBe(at === undefined)
  })
})

describe('decodeConfigText', () => {
  it('names line and column (in characters) of the first byte that is not UTF-8', () => {
    const bytes = Buffer.concat([Buffer.from('\uFEFF[client]\r\nbucket = eht_test\nstation = Ké', 'utf8'), Buffer.from([0xe9, 0x0a])])
    expectConfigError(() => decodeConfigText(bytes, '/x.ini'), ConfigSyntaxError, { file: '/x.ini', line: 3, column: 13 }, 'the file is not valid UTF-8: byte 0xE9 at line 3, column 13', 'save the file as UTF-8')
  })

  it('says a UTF-16 file is UTF-16', () => {
    const bytes = Buffer.from('\uFEFF[client]\n', 'utf16le')
    expectConfigError(() => decodeConfigText(bytes, '/x.ini'), ConfigSyntaxError, { file: '/x.ini', line: 1, column: 1 }, 'the file is UTF-16')
  })

  it('decodes UTF-8 as it is', () => {
    expect(decodeConfigText(Buffer.from('station = Ké😀\n'), '/x.ini')).toBe('station = Ké😀\n')
  })
})
