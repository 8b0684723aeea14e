import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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
    expect(bad[0]!.reason).toMatch(/corrupt gzip data \(incorrect data check\) at compressed byte \d+/)
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
