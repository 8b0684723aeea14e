import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import { afterAll, describe, expect, it } from 'vitest'
import { inputSizes } from './input-size.js'

/** Bytes of all `files` together. */
const inputBytes = async (files: string[]) => (await inputSizes(files)).reduce((a, b) => a + b, 0)

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-replay-size-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

describe('inputSizes', () => {
  it('adds plain sizes and the decompressed sizes of .gz files', async () => {
    const plain = path.join(dir, 'a.lp')
    fs.writeFileSync(plain, 'm f=1 1\n'.repeat(10))
    const gz = path.join(dir, 'b.lp.gz')
    const text = 'm f=2 2\n'.repeat(1000)
    fs.writeFileSync(gz, zlib.gzipSync(text))
    expect(fs.statSync(gz).size).toBeLessThan(text.length)
    expect(await inputBytes([plain, gz, path.join(dir, 'gone.lp')])).toBe(80 + text.length)
    // Upper-case .GZ is gzip too (the reader reads it so).
    const upper = path.join(dir, 'c.lp.GZ')
    fs.writeFileSync(upper, zlib.gzipSync(text))
    expect(await inputBytes([upper])).toBe(text.length)
  })

  it('does not trust the last 4 bytes of a truncated .gz (compressed data, not a trailer)', async () => {
    const cut = path.join(dir, 'cut.lp.gz')
    fs.writeFileSync(cut, zlib.gzipSync('m v=1i 1000\nm v=2i 2000\nm v=3i 3000\n').subarray(0, 25))
    expect(await inputBytes([cut])).toBe(25)
    const notGzip = path.join(dir, 'plain-named.lp.gz')
    fs.writeFileSync(notGzip, `m v=1i 1\n${'\xff'.repeat(30)}`)
    expect(await inputBytes([notGzip])).toBe(fs.statSync(notGzip).size)
    // A tiny file compresses to more bytes than it holds: its trailer is still right.
    const tiny = path.join(dir, 'tiny.lp.gz')
    fs.writeFileSync(tiny, zlib.gzipSync('m v=1i 1\n'))
    expect(fs.statSync(tiny).size).toBeGreaterThan(9)
    expect(await inputBytes([tiny])).toBe(9)
  })
  it('counts a gzip file of a plain name decompressed, as the reader reads it (by its content); a text starting with 1f 8b stays text', async () => {
    const text = 'm f=3 3\n'.repeat(1000)
    const plainNamed = path.join(dir, 'export.jsonl')
    fs.writeFileSync(plainNamed, zlib.gzipSync(text))
    expect(await inputBytes([plainNamed])).toBe(text.length)
    // The magic alone is not a gzip header (CM 8 missing): the reader reads this as text, so it counts its size.
    const magicOnly = path.join(dir, 'magic-only.lp')
    fs.writeFileSync(magicOnly, Buffer.concat([Buffer.from([0x1f, 0x8b, 0x41, 0x00]), Buffer.from(text)]))
    expect(await inputBytes([magicOnly])).toBe(text.length + 4)
  })
})
