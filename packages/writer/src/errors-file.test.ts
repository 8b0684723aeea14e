import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { BadLine } from '@eht-influx-client/logfile'
import { ErrorsFile, ErrorsFileAppendError, readErrorsFile, type RejectedPoint } from './errors-file.js'
import { tempDir } from '../test/helpers.js'
import { canMountSmallDisk, mountSmallDisk, stillMounted } from '@eht-influx-client/test-support'

const canMount = canMountSmallDisk()
afterAll(() => expect(stillMounted, 'tmpfs disks left mounted').toEqual([]))

/** `count` rejected points of `server`, each line about `pad` characters long. */
const rejected = (server: string, count: number, pad: number, from = 0): RejectedPoint[] =>
  Array.from({ length: count }, (_, i) => ({ server, status: 400, message: 'HTTP 400: field type conflict', line: `m,p=${'x'.repeat(pad)} v=${from + i} ${1617672549204824064n + BigInt(from + i)}` }))

describe('ErrorsFile', () => {
  it('appends one JSON object per rejected point, creating the folder, in call order', async () => {
    const file = path.join(tempDir(), 'sub', 'errors.jsonl')
    const errors = new ErrorsFile(file)
    const at = new Date('2021-04-06T01:29:09.204Z')
    await Promise.all([
      errors.append([{ server: 'local', status: 400, message: 'HTTP 400: field type conflict', line: 'm v=1 1' }], at),
      errors.append([{ server: 'cloud', status: 422, message: 'HTTP 422: beyond retention', line: 'm,t=a\\ b v="x" 2' }], at),
    ])
    expect(fs.readFileSync(file, 'utf8').split('\n')[0]).toBe('{"time":"2021-04-06T01:29:09.204Z","server":"local","status":400,"message":"HTTP 400: field type conflict","line":"m v=1 1"}')
    expect((await readErrorsFile(file)).map((e) => [e.server, e.line])).toEqual([
      ['local', 'm v=1 1'],
      ['cloud', 'm,t=a\\ b v="x" 2'],
    ])
  })

  it('keeps every line whole when several writers (processes) append large groups at once', async () => {
    // Each append is about 1 MB: Node's appendFile wrote it in 512 KiB write()s, which interleaved mid-line.
    const file = path.join(tempDir(), 'errors.jsonl')
    const writers = ['a', 'b', 'c', 'd'].map((server) => ({ server, file: new ErrorsFile(file) }))
    await Promise.all(writers.map(async ({ server, file: errors }) => {
      for (let round = 0; round < 3; round++) await errors.append(rejected(server, 2000, 400, round * 2000))
    }))
    const bad: BadLine[] = []
    const entries = await readErrorsFile(file, { onBadLine: (b) => bad.push(b) })
    expect(bad.map((b) => `${b.line}: ${b.reason}`)).toEqual([])
    for (const { server } of writers) {
      expect(entries.filter((e) => e.server === server).map((e) => Number(/ v=(\d+) /.exec(e.line)![1]))).toEqual(Array.from({ length: 6000 }, (_, i) => i))
    }
  })

  it('makes the folder again when it was removed while the process runs', async () => {
    const dir = path.join(tempDir(), 'errs')
    const file = path.join(dir, 'errors.jsonl')
    const errors = new ErrorsFile(file)
    await errors.append(rejected('local', 1, 3))
    fs.rmSync(dir, { recursive: true })
    await errors.append(rejected('local', 1, 3, 1))
    expect((await readErrorsFile(file)).map((e) => e.line)).toEqual(rejected('local', 1, 3, 1).map((p) => p.line))
  })

  it.skipIf(!canMount)('on a full disk: says how many points it wrote whole, and the next append after room returns is read back whole', async () => {
    const disk = tempDir()
    const unmount = mountSmallDisk(disk)!
    try {
      const filler = path.join(disk, 'filler')
      fs.writeFileSync(filler, Buffer.alloc(16 * 1024))
      const file = path.join(disk, 'errors.jsonl')
      const errors = new ErrorsFile(file)
      const points = rejected('local', 400, 200)
      const error = await errors.append(points).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(error).toBeInstanceOf(ErrorsFileAppendError)
      const { written, total, message } = error as ErrorsFileAppendError
      expect(message).toMatch(new RegExp(`^cannot append to ${file}: ENOSPC`))
      expect(total).toBe(400)
      expect(written).toBeGreaterThan(0)
      expect(written).toBeLessThan(400)
      expect((await readErrorsFile(file, { onBadLine: () => {} })).map((e) => e.line)).toEqual(points.slice(0, written).map((p) => p.line))

      fs.rmSync(filler) // room again
      const later = rejected('local', 1, 3, 1000)
      await errors.append(later)
      const bad: BadLine[] = []
      const entries = await readErrorsFile(file, { onBadLine: (b) => bad.push(b) })
      expect(entries.map((e) => e.line)).toEqual([...points.slice(0, written), ...later].map((p) => p.line))
      // The line the full disk tore (if the cut fell inside one) is named, with its place.
      expect(bad.length).toBeLessThanOrEqual(1)
      for (const b of bad) expect(b).toMatchObject({ file, line: written + 1, reason: expect.stringMatching(/^not JSON .*torn by a full disk or a crash/) })
    } finally {
      unmount()
    }
  })
})

describe('readErrorsFile', () => {
  it('reads a missing errors file as empty', async () => {
    expect(await readErrorsFile(path.join(tempDir(), 'none.jsonl'))).toEqual([])
  })

  it('skips a torn line, naming the file and the line, and keeps the entries before and after it', async () => {
    const file = path.join(tempDir(), 'errors.jsonl')
    const whole = (v: number) => JSON.stringify({ time: '2021-04-06T01:29:09.204Z', server: 'local', status: 400, message: 'bad', line: `m v=${v} 1` })
    fs.writeFileSync(file, `${whole(1)}\n${whole(2).slice(0, 30)}\n\n${whole(3)}\n42\n${whole(4).slice(0, 50)}`)
    const bad: BadLine[] = []
    const entries = await readErrorsFile(file, { onBadLine: (b) => bad.push(b) })
    expect(entries.map((e) => e.line)).toEqual(['m v=1 1', 'm v=3 1'])
    expect(bad.map((b) => [b.file, b.line, b.text])).toEqual([
      [file, 2, whole(2).slice(0, 30)],
      [file, 5, '42'],
      [file, 6, whole(4).slice(0, 50)],
    ])
    expect(bad[0]!.reason).toMatch(/^not JSON \(.+\); torn by a full disk or a crash\?$/)
    expect(bad[1]!.reason).toMatch(/^a JSON number, not an object/)
    expect(bad[2]!.reason).toMatch(/the file ends inside it: a write cut short by a full disk or a crash$/)
  })

  it('without onBadLine, warns on the console with the file and line', async () => {
    const file = path.join(tempDir(), 'errors.jsonl')
    fs.writeFileSync(file, '{"server":"local"}\n{"ser\n')
    const warned: string[] = []
    const warn = console.warn
    console.warn = (text: string) => warned.push(text)
    try {
      expect(await readErrorsFile(file)).toEqual([{ server: 'local' }])
    } finally {
      console.warn = warn
    }
    expect(warned).toEqual([expect.stringMatching(new RegExp(`^${file}:2: bad line skipped: not JSON`))])
  })

  it('an onBadLine that throws or rejects (async) is ignored: the rest of the file is read, no unhandled rejection', async () => {
    const file = path.join(tempDir(), 'errors.jsonl')
    fs.writeFileSync(file, '{"server":"a"}\n{"ser\n{"server":"b"}\n[1]\n{"server":"c"}\n')
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown) => unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)
    try {
      expect(await readErrorsFile(file, { onBadLine: async () => Promise.reject(new Error('async bug')) })).toEqual([{ server: 'a' }, { server: 'b' }, { server: 'c' }])
      expect(
        await readErrorsFile(file, {
          onBadLine: () => {
            throw new Error('bug')
          },
        }),
      ).toEqual([{ server: 'a' }, { server: 'b' }, { server: 'c' }])
      await new Promise((resolve) => setTimeout(resolve, 20))
      expect(unhandled).toEqual([])
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })
})
