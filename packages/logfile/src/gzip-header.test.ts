// isGzipFile tells gzip data by its header's first 4 bytes (1f 8b 08, FLG's reserved bits clear),
// not its name; missing or unreadable files reject as fs does.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import { afterAll, describe, expect, it } from 'vitest'
import { isGzipFile } from './index.js'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-logfile-gzip-header-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

const write = (name: string, bytes: Uint8Array | string) => {
  const file = path.join(dir, name)
  fs.writeFileSync(file, bytes)
  return file
}

describe('isGzipFile', () => {
  it('is true for gzip data whatever the name, and for an empty gzip stream', async () => {
    expect(await isGzipFile(write('a.jsonl.gz', zlib.gzipSync('m v=1 1\n')))).toBe(true)
    expect(await isGzipFile(write('export', zlib.gzipSync('m v=1 1\n')))).toBe(true)
    expect(await isGzipFile(write('empty.gz', zlib.gzipSync('')))).toBe(true)
  })

  it('is false for text, for text starting with 1f 8b, and for a wrong method or reserved flag bits', async () => {
    expect(await isGzipFile(write('text.gz', 'm v=1 1\n'))).toBe(false)
    expect(await isGzipFile(write('magic-text.lp', Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from('garbage\nm v=1 1\n')])))).toBe(false)
    const gz = zlib.gzipSync('m v=1 1\n')
    const method = Buffer.from(gz)
    method[2] = 7
    expect(await isGzipFile(write('method.gz', method))).toBe(false)
    for (const bit of [0x20, 0x40, 0x80]) {
      const reserved = Buffer.from(gz)
      reserved[3] = reserved[3]! | bit
      expect(await isGzipFile(write(`reserved-${bit}.gz`, reserved))).toBe(false)
    }
  })

  it('is false for a file shorter than the 4 bytes it looks at', async () => {
    expect(await isGzipFile(write('empty', ''))).toBe(false)
    expect(await isGzipFile(write('two', Buffer.from([0x1f, 0x8b])))).toBe(false)
    expect(await isGzipFile(write('three', Buffer.from([0x1f, 0x8b, 0x08])))).toBe(false)
  })

  it('rejects with fs error for a missing file and a directory', async () => {
    await expect(isGzipFile(path.join(dir, 'missing.gz'))).rejects.toMatchObject({ code: 'ENOENT' })
    await expect(isGzipFile(dir)).rejects.toMatchObject({ code: 'EISDIR' })
  })
})
