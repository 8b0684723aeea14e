import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { gunzipChunks } from './gunzip-chunks.js'
import { readLogFile } from './read-log-file.js'
import type { BadLine } from './read-types.js'

let dir: string
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-logfile-gunzip-'))
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

async function readAll(file: string): Promise<{ lines: number[]; bad: BadLine[] }> {
  const bad: BadLine[] = []
  const lines: number[] = []
  for await (const item of readLogFile(file, { onBadLine: (b) => bad.push(b) })) lines.push(item.line)
  return { lines, bad }
}

// Lines that compress about 10x: several MiB of output per MiB of input, as station logs do.
const N = 60_000
const text = Array.from({ length: N }, (_, i) => `m,s=Kp a=${(i * 7919) % 100003}i,b=${i % 3 === 0 ? 'T' : 'F'} ${1617672549204824000 + i}\n`).join('')
const compressed = zlib.gzipSync(text)
const all = Array.from({ length: N }, (_, i) => i + 1)

describe('reading a broken .gz', () => {
  it('keeps every line before trailing garbage (as gzip -d does), then reports it with the next line number and its byte offset', async () => {
    const file = path.join(dir, 'tail.lp.gz')
    fs.writeFileSync(file, Buffer.concat([compressed, Buffer.from('garbage')]))
    const { lines, bad } = await readAll(file)
    expect(lines).toEqual(all)
    expect(bad).toHaveLength(1)
    expect(bad[0]!.line).toBe(N + 1)
    expect(bad[0]!.reason).toContain(`trailing garbage after the gzip data (compressed byte ${compressed.length} on) ignored`)
  })

  it('keeps every line decompressed before a CRC error, then reports it with the next line number', async () => {
    const file = path.join(dir, 'crc.lp.gz')
    const broken = Buffer.from(compressed)
    broken[broken.length - 6]! ^= 0xff // the CRC-32 in the trailer
    fs.writeFileSync(file, broken)
    const { lines, bad } = await readAll(file)
    expect(lines).toEqual(all)
    expect(bad.map((b) => b.line)).toEqual([N + 1])
    expect(bad[0]!.reason).toMatch(/corrupt gzip data \(incorrect data check\): the check in the trailer of the gzip member at compressed byte \d+ failed/)
    expect(bad[0]!.reason).toContain('the lines read from that member before this error (all lines before this one when the file is one member, as gzip and LogWriter write it) may be damaged and should be checked against the source')
  })

  it('says that the lines before a CRC error may be damaged: a damaged byte in the data is found only at the check', async () => {
    const line = (i: number) => `m,s=Kp a=${i}i ${1617672549204824000 + i}\n`
    const stored = Buffer.from(zlib.gzipSync(Array.from({ length: 1000 }, (_, i) => line(i + 1)).join(''), { level: 0 }))
    stored[stored.indexOf('a=500i') + 2] = '7'.charCodeAt(0) // line 500 now says a=700i
    const file = path.join(dir, 'altered.lp.gz')
    fs.writeFileSync(file, stored)
    const bad: BadLine[] = []
    const values: unknown[] = []
    for await (const item of readLogFile(file, { onBadLine: (b) => bad.push(b) })) values.push(item.record.fields['a']!.value)
    // Delivered (nothing dropped silently), and the error that follows says they may be altered.
    expect(values).toHaveLength(1000)
    expect(values[499]).toBe(700n)
    expect(bad.map((b) => b.line)).toEqual([1001])
    expect(bad[0]!.reason).toContain('may be damaged and should be checked against the source')
  })

  it('reads the whole file when the streamed read fails (an I/O error) where the careful pass does not, and does not hang at its end', async () => {
    let reads = 0
    // A handle whose first reads fail once (the streamed pass), then read the file: a fault a real disk gives not on demand.
    const handle = {
      read: async (buffer: Buffer, offset: number, length: number, position: number) => {
        if (reads++ === 1) throw Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' })
        const n = Math.max(0, Math.min(length, compressed.length - position))
        compressed.copy(buffer, offset, position, position + n)
        return { bytesRead: n, buffer }
      },
    } as unknown as fs.promises.FileHandle
    const out: Buffer[] = []
    for await (const chunk of gunzipChunks(handle, 64 * 1024)) out.push(Buffer.from(chunk))
    expect(Buffer.concat(out).toString()).toBe(text)
    expect(reads).toBeGreaterThan(2)
  })

  it('reads a truncated .gz up to its last whole line, and a .GZ (upper case) as gzip', async () => {
    const file = path.join(dir, 'half.lp.gz')
    fs.writeFileSync(file, compressed.subarray(0, compressed.length >> 1))
    const { lines, bad } = await readAll(file)
    expect(lines.length).toBeGreaterThan(N / 4)
    expect(lines).toEqual(all.slice(0, lines.length))
    expect(bad.map((b) => b.line)).toEqual([lines.length + 1])
    expect(bad[0]!.reason).toContain('unexpected end of file')
    const upper = path.join(dir, 'upper.LP.GZ')
    fs.writeFileSync(upper, compressed)
    expect(await readAll(upper)).toEqual({ lines: all, bad: [] })
  })
})
