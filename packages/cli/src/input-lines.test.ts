import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import zlib from 'node:zlib'
import { afterAll, describe, expect, it } from 'vitest'
import { DEFAULT_MAX_LINE_BYTES } from '@eht-influx-client/logfile'
import { InputError } from './errors.js'
import { MAX_LINE_BYTES, openLineInput, type LineInput } from './input-lines.js'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-cli-input-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

async function all(input: LineInput): Promise<[number, string][]> {
  return (await withProblems(input)).map(([line, text]) => [line, text])
}

/** Every line as [number, text, why it is a bad line (or undefined)]. */
async function withProblems(input: LineInput): Promise<[number, string, string | undefined][]> {
  const out: [number, string, string | undefined][] = []
  for (let next = await input.batches.next(); next.done !== true; next = await input.batches.next()) {
    next.value.texts.forEach((text, i) => out.push([next.value.first + i, text, next.value.problems?.get(i)]))
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

  it('a file of another name holding gzip (influx_inspect export -compress, a .gz renamed) is gunzipped, as the logfile readers do; a text file starting with 1f 8b is not', async () => {
    const gz = path.join(dir, 'export.lp')
    fs.writeFileSync(gz, zlib.gzipSync('m v=1 1\nm v=2 2\n'))
    expect(await all(await openLineInput(gz, Readable.from([])))).toEqual([
      [1, 'm v=1 1'],
      [2, 'm v=2 2'],
    ])
    // Only gzip's magic, not its method byte: text (a bad first line, the rest as written).
    const text = path.join(dir, 'magic.lp')
    fs.writeFileSync(text, Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from('x\nm v=3 3\n')]))
    expect((await all(await openLineInput(text, Readable.from([])))).slice(1)).toEqual([[2, 'm v=3 3']])
    // A truncated one says it is not a complete gzip file, as a .gz does.
    const cut = path.join(dir, 'cut.lp')
    const whole = zlib.gzipSync('m v=1\n'.repeat(1000))
    fs.writeFileSync(cut, whole.subarray(0, whole.length - 4))
    await expect(all(await openLineInput(cut, Readable.from([])))).rejects.toThrow(/not a complete gzip file/)
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

  it('a line that is not valid UTF-8 is a bad line with its number, on stdin and in a file; its neighbours are taken', async () => {
    const bytes = Buffer.concat([Buffer.from('a v=1\n'), Buffer.from('m,site=Caf\xe9 a=1 1\n', 'latin1'), Buffer.from('b v=2\nc,s=Caf\xe9 v=3', 'latin1')])
    const file = path.join(dir, 'latin1.lp')
    fs.writeFileSync(file, bytes)
    for (const input of [await openLineInput(undefined, Readable.from([bytes])), await openLineInput(file, Readable.from([]))]) {
      const lines = await withProblems(input)
      expect(lines.map(([line, , why]) => [line, why])).toEqual([
        [1, undefined],
        [2, expect.stringMatching(/not valid UTF-8/)],
        [3, undefined],
        [4, expect.stringMatching(/not valid UTF-8/)],
      ])
      expect(lines[2]![1]).toBe('b v=2')
    }
  })

  it('a UTF-8 character split across chunks, even after a long line carried over several chunks, is not a bad line', async () => {
    const snow = Buffer.from('w sky="❄❄❄" 1\nx v=1\n')
    const long = Buffer.from(`m s="${'y'.repeat(200)}" 1\n`)
    // one byte at a time: every character is split
    const pieces = [...Buffer.concat([snow, long, snow])].map((b) => Buffer.from([b]))
    const lines = await withProblems(await openLineInput(undefined, Readable.from(pieces)))
    expect(lines.filter(([, , why]) => why !== undefined)).toEqual([])
    expect(lines.map(([, text]) => text)).toEqual(['w sky="❄❄❄" 1', 'x v=1', long.toString().trimEnd(), 'w sky="❄❄❄" 1', 'x v=1'])
  })

  it('a line longer than the logfile readers take (16 MiB) is a bad line, whole chunks or a last line without newline, the lines around it kept', async () => {
    expect(MAX_LINE_BYTES).toBe(16 * 1024 * 1024)
    // Not imported from logfile (the CLI loads it only when a command needs it): the same number all the same.
    expect(MAX_LINE_BYTES).toBe(DEFAULT_MAX_LINE_BYTES)
    const max = 1000
    const chunked = (text: string, size: number) => Array.from({ length: Math.ceil(text.length / size) }, (_, i) => Buffer.from(text.slice(i * size, (i + 1) * size)))
    const text = `a v=1\nm s="${'x'.repeat(max)}" 1\nb v=2\nm s="${'x'.repeat(max - 8)}"\nc v=3\nm s="${'z'.repeat(max)}"`
    for (const size of [7, 64, 5000]) {
      const lines = await withProblems(await openLineInput(undefined, Readable.from(chunked(text, size)), { maxLineBytes: max }))
      expect(lines.map(([line, t, why]) => [line, why === undefined ? t : why]), `chunks of ${size}`).toEqual([
        [1, 'a v=1'],
        [2, `line is longer than ${max} bytes, the most the logfile readers take`],
        [3, 'b v=2'],
        [4, `m s="${'x'.repeat(max - 8)}"`],
        [5, 'c v=3'],
        [6, `line is longer than ${max} bytes, the most the logfile readers take`],
      ])
    }
  })

  it('a long line costs time in proportion to its length (the start of a line is not copied again with every chunk)', async () => {
    // 12 MiB in 16 KiB chunks (gunzip's size): re-joining the carried start per chunk took seconds; now some ms.
    const chunk = Buffer.alloc(16 * 1024, 'x')
    const chunks = [Buffer.from('m s="'), ...Array.from({ length: 768 }, () => chunk), Buffer.from('" 1\nn v=1\n')]
    const started = performance.now()
    const lines = await withProblems(await openLineInput(undefined, Readable.from(chunks)))
    const elapsed = performance.now() - started
    expect(lines.map(([line, text, why]) => [line, text.length, why])).toEqual([
      [1, 12 * 1024 * 1024 + 8, undefined],
      [2, 5, undefined],
    ])
    expect(elapsed).toBeLessThan(1000)
  })
})
