import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import zlib from 'node:zlib'
import { afterAll, describe, expect, it } from 'vitest'
import { InputError } from './errors.js'
import { openLineInput, type LineInput } from './input-lines.js'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-cli-input-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

async function all(input: LineInput): Promise<[number, string][]> {
  const out: [number, string][] = []
  for (let next = await input.batches.next(); next.done !== true; next = await input.batches.next()) {
    next.value.texts.forEach((text, i) => out.push([next.value.first + i, text]))
  }
  input.close()
  return out
}

describe('openLineInput', () => {
  it('stdin: numbered lines, CRLF and a byte order mark removed, a last line without a newline kept', async () => {
    const stdin = Readable.from([Buffer.from('\ufeffa v=1\r\nb v=2\n\nc v=3')])
    const input = await openLineInput(undefined, stdin)
    expect(input.name).toBe('stdin')
    expect(await all(input)).toEqual([
      [1, 'a v=1'],
      [2, 'b v=2'],
      [3, ''],
      [4, 'c v=3'],
    ])
  })

  it('lines that arrive before the first read are not lost; a line split across chunks (and inside a UTF-8 character) is whole', async () => {
    const snow = Buffer.from('weather,station=Kp sky="❄" 1\n')
    const input = await openLineInput(undefined, Readable.from([Buffer.from('x v=1\nweath'), snow.subarray(5, 25), snow.subarray(25), Buffer.from('y v=2\n')]))
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect((await all(input)).map(([, text]) => text)).toEqual(['x v=1', 'weather,station=Kp sky="❄" 1', 'y v=2'])
  })

  it('a file, plain or gzip-compressed, named by its path', async () => {
    const file = path.join(dir, 'in.lp.gz')
    fs.writeFileSync(file, zlib.gzipSync('m v=1\nm v=2\n'))
    const input = await openLineInput(file, Readable.from([]))
    expect(input.name).toBe(file)
    expect(await all(input)).toEqual([
      [1, 'm v=1'],
      [2, 'm v=2'],
    ])
  })

  it('a missing file is an InputError naming it; a corrupt gzip one names it (and after which line, once lines were read)', async () => {
    await expect(openLineInput(path.join(dir, 'missing.lp'), Readable.from([]))).rejects.toThrow(InputError)
    const bad = path.join(dir, 'bad.lp.gz')
    fs.writeFileSync(bad, Buffer.concat([zlib.gzipSync('m v=1\n'.repeat(1000)).subarray(0, 200), Buffer.from('garbage')]))
    const input = await openLineInput(bad, Readable.from([]))
    await expect(all(input)).rejects.toThrow(new RegExp(`cannot read ${bad.replace(/[.]/g, '\\.')}( after line \\d+)?: .*not a complete gzip file`))
  })

  it('an empty, non-gzip or truncated .gz failing before the first read is an InputError naming the file, not an unhandled error', async () => {
    const unhandled: unknown[] = []
    const onUncaught = (error: unknown) => unhandled.push(error)
    process.on('uncaughtException', onUncaught)
    try {
      const cases: [string, Buffer][] = [
        ['empty.lp.gz', Buffer.alloc(0)],
        ['notgz.lp.gz', Buffer.from('not gzip\n')],
        ['short.lp.gz', zlib.gzipSync('m v=1\n').subarray(0, 8)],
      ]
      for (const [name, bytes] of cases) {
        const file = path.join(dir, name)
        fs.writeFileSync(file, bytes)
        const input = await openLineInput(file, Readable.from([]))
        // The caller opens the config and the writer before it reads: the gunzip error comes first.
        await new Promise((resolve) => setTimeout(resolve, 50))
        const error = await all(input).then(() => undefined, (e: unknown) => e)
        expect(error, name).toBeInstanceOf(InputError)
        expect((error as InputError).message).toContain(`cannot read ${file}`)
        expect((error as InputError).exitCode).toBe(2)
      }
    } finally {
      process.off('uncaughtException', onUncaught)
    }
    expect(unhandled).toEqual([])
  })
})
