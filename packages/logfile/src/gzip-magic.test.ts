// A gzip file whose name does not end in .gz (`influx_inspect export -compress -out export`, a
// .gz renamed) is read as gzip, from its magic bytes, not as text (a "not valid UTF-8" bad line each).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import { afterAll, describe, expect, it } from 'vitest'
import { readLogFile } from './read-log-file.js'
import { readLogs } from './read-logs.js'
import type { BadLine, ReadOptions } from './read-types.js'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-logfile-gzip-magic-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

const lines = Array.from({ length: 3000 }, (_, i) => `pps_offset,station=Kp offset_ns=${i - 1500}i,temp=${i / 8} ${1617672549204824064n + BigInt(i) * 1000n}`)
const text = `${lines.join('\n')}\n`

async function read(file: string | string[], options: ReadOptions = {}) {
  const bad: BadLine[] = []
  const got: string[] = []
  const reader = readLogs(file, { ...options, lineProtocol: true, onBadLine: (b) => bad.push(b) })
  for await (const item of reader) got.push(item.lineProtocol!)
  return { got, bad, stats: reader.stats }
}

describe('gzip data in a file not named .gz', () => {
  it('is read as gzip: a name without extension (format given) and a .lp name', async () => {
    const bare = path.join(dir, 'export')
    const lp = path.join(dir, 'export.lp')
    fs.writeFileSync(bare, zlib.gzipSync(text))
    fs.writeFileSync(lp, zlib.gzipSync(text))
    for (const [file, options] of [[bare, { format: 'lp' }], [lp, {}]] as const) {
      const { got, bad, stats } = await read(file, options)
      expect(bad).toEqual([])
      expect(got).toEqual(lines)
      expect(stats).toEqual({ files: 1, records: lines.length, badLines: 0, filtered: 0 })
    }
  })

  it('is merged with other files by readLogs (which reads the start of each first, then stops)', async () => {
    const a = path.join(dir, 'merge-a.lp')
    const b = path.join(dir, 'merge-b.lp')
    fs.writeFileSync(a, zlib.gzipSync(`${lines.filter((_, i) => i % 2 === 0).join('\n')}\n`))
    fs.writeFileSync(b, `${lines.filter((_, i) => i % 2 === 1).join('\n')}\n`)
    for (let round = 0; round < 3; round++) {
      const { got, bad } = await read([b, a])
      expect(bad).toEqual([])
      expect(got).toEqual(lines)
    }
  })

  it('keeps resuming by decompressed offsets, and reports a corrupt one as a .gz', async () => {
    const file = path.join(dir, 'resume.lp')
    fs.writeFileSync(file, zlib.gzipSync(text))
    const after = Buffer.byteLength(`${lines.slice(0, 2000).join('\n')}\n`)
    const got: string[] = []
    for await (const { record, line } of readLogFile(file, { startOffset: after })) got.push(`${line} ${record.fields.offset_ns!.value}`)
    expect(got[0]).toBe('2001 500')
    expect(got.length).toBe(1000)
    // Cut short: the lines before the cut are read, then the fault is reported as for a .gz.
    const cut = path.join(dir, 'cut.lp')
    const whole = zlib.gzipSync(text)
    fs.writeFileSync(cut, whole.subarray(0, whole.length - 20))
    const { got: some, bad } = await read(cut)
    expect(some.length).toBeGreaterThan(0)
    expect(bad.length).toBe(1)
    expect(bad[0]!.reason).toMatch(/^reading stopped: /)
  })

  it('reads as text a plain-named file that starts with 1f 8b but is not gzip (no method 8 after them)', async () => {
    const file = path.join(dir, 'magic-text.lp')
    // The first line (1f 8b "garbage") is not line protocol; every line after it is read.
    fs.writeFileSync(file, Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from(`garbage\n${text}`)]))
    const { got, bad, stats } = await read(file)
    expect(got).toEqual(lines)
    expect(bad.map((b) => b.line)).toEqual([1])
    expect(bad[0]!.reason).not.toMatch(/gzip/)
    expect(stats).toEqual({ files: 1, records: lines.length, badLines: 1, filtered: 0 })
  })

  it('leaves plain text, an empty file and a one-byte file as they were', async () => {
    const plain = path.join(dir, 'plain.lp')
    fs.writeFileSync(plain, text)
    expect((await read(plain)).got).toEqual(lines)
    const empty = path.join(dir, 'empty.lp')
    fs.writeFileSync(empty, '')
    expect(await read(empty)).toMatchObject({ got: [], bad: [] })
    const one = path.join(dir, 'one.lp')
    fs.writeFileSync(one, Buffer.from([0x1f]))
    expect((await read(one)).bad.map((b) => b.reason)).toEqual([expect.stringMatching(/^no newline at the end of the file/)])
  })
})
