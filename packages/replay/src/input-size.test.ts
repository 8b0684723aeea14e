import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import { afterAll, describe, expect, it } from 'vitest'
import { inputBytes } from './input-size.js'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-replay-size-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

describe('inputBytes', () => {
  it('adds plain sizes and the decompressed sizes of .gz files', async () => {
    const plain = path.join(dir, 'a.lp')
    fs.writeFileSync(plain, 'm f=1 1\n'.repeat(10))
    const gz = path.join(dir, 'b.lp.gz')
    const text = 'm f=2 2\n'.repeat(1000)
    fs.writeFileSync(gz, zlib.gzipSync(text))
    expect(fs.statSync(gz).size).toBeLessThan(text.length)
    expect(await inputBytes([plain, gz, path.join(dir, 'gone.lp')])).toBe(80 + text.length)
  })
})
