import { ConfigSyntaxError } from './errors.js'

/**
 * The offset of the first byte that does not start a well-formed UTF-8 sequence (an overlong form,
 * a surrogate, above U+10FFFF, a stray continuation byte, or a sequence cut short), or undefined.
 */
export function invalidUtf8At(bytes: Uint8Array): number | undefined {
  let i = 0
  while (i < bytes.length) {
    const lead = bytes[i]!
    if (lead < 0x80) {
      i++
      continue
    }
    const more = lead >= 0xc2 && lead <= 0xdf ? 1 : lead >= 0xe0 && lead <= 0xef ? 2 : lead >= 0xf0 && lead <= 0xf4 ? 3 : 0
    if (more === 0) return i
    // The second byte's range (Unicode table 3-7) rules out overlong forms, surrogates and > U+10FFFF.
    const low = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80
    const high = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf
    for (let k = 1; k <= more; k++) {
      const byte = bytes[i + k]
      if (byte === undefined || byte < (k === 1 ? low : 0x80) || byte > (k === 1 ? high : 0xbf)) return i
    }
    i += more + 1
  }
  return undefined
}

/**
 * The configuration file's bytes as text. Bytes that are not UTF-8 (a file saved as Latin-1 or
 * UTF-16) are an error naming the line and column, not U+FFFD put silently into a value such as the
 * station. The byte's value is named (one byte of a token tells nothing), the text around it is not.
 */
export function decodeConfigText(bytes: Uint8Array, file: string): string {
  const at = invalidUtf8At(bytes)
  if (at === undefined) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')
  if (at === 0 && bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    throw new ConfigSyntaxError('the file is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8', { file, line: 1, column: 1 })
  }
  const before = Buffer.from(bytes.buffer, bytes.byteOffset, at).toString('utf8').replace(/^\uFEFF/, '')
  const lines = before.split(/\r\n|\n|\r/)
  const column = [...lines.at(-1)!].length + 1
  const byte = bytes[at]!.toString(16).toUpperCase().padStart(2, '0')
  throw new ConfigSyntaxError(
    `the file is not valid UTF-8: byte 0x${byte} at line ${lines.length}, column ${column} (perhaps text saved as Latin-1 or Windows-1252, where é is one byte); save the file as UTF-8`,
    { file, line: lines.length, column },
  )
}
