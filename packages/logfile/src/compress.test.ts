import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { compressSettled } from './compress.js'
import { claimPath } from './compression-claim.js'
import { LogWriteError } from './errors.js'

let dir: string
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-logfile-gzip-'))
})
afterEach(() => {
  vi.restoreAllMocks()
  fs.rmSync(dir, { recursive: true, force: true })
})

const lineList = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `line ${from + i} ${'x'.repeat(50)}\n`).join('')
const gunzip = (file: string) => zlib.gunzipSync(fs.readFileSync(file)).toString()
/** A pid that no process has (a child that has exited). */
const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid!

describe('compressSettled', () => {
  it('replaces the file by file.gz with the same content and leaves no temporary file or claim', async () => {
    const file = path.join(dir, 'Kp.jsonl')
    fs.writeFileSync(file, lineList(1000))
    expect(await compressSettled(file, 0)).toEqual({ kind: 'compressed' })
    expect(fs.readdirSync(dir)).toEqual(['Kp.jsonl.gz'])
    expect(gunzip(`${file}.gz`)).toBe(lineList(1000))
  })

  it('leaves a file written to less than the grace period ago as it is, and says when it could settle', async () => {
    const file = path.join(dir, 'Kp.jsonl')
    fs.writeFileSync(file, lineList(10))
    const outcome = await compressSettled(file, 60_000)
    expect(outcome.kind).toBe('unsettled')
    expect((outcome as { settlesAt: number }).settlesAt).toBeCloseTo(fs.statSync(file).mtimeMs + 60_000, -1)
    expect(fs.readdirSync(dir)).toEqual(['Kp.jsonl'])
  })

  it('a file already compressed by another process (gone) is no error', async () => {
    expect(await compressSettled(path.join(dir, 'Kp.jsonl'), 0)).toEqual({ kind: 'gone' })
    expect(fs.readdirSync(dir)).toEqual([])
  })

  it('a file that another live process is compressing (its claim) is left to it', async () => {
    const file = path.join(dir, 'Kp.jsonl')
    fs.writeFileSync(file, lineList(10))
    fs.writeFileSync(claimPath(file), `${process.ppid}\n`)
    expect(await compressSettled(file, 0)).toEqual({ kind: 'busy' })
    expect(fs.readdirSync(dir).sort()).toEqual(['Kp.jsonl', 'Kp.jsonl.gz.claim'])
  })

  it('takes over the claim of a process that died', async () => {
    const file = path.join(dir, 'Kp.jsonl')
    fs.writeFileSync(file, lineList(10))
    fs.writeFileSync(claimPath(file), `${deadPid()}\n`)
    expect(await compressSettled(file, 0)).toEqual({ kind: 'compressed' })
    expect(fs.readdirSync(dir)).toEqual(['Kp.jsonl.gz'])
  })

  it('a .gz already there holding all of the file, or its start (a compression cut between link and unlink), is replaced: no error', async () => {
    const file = path.join(dir, 'Kp.jsonl')
    for (const old of [lineList(100), lineList(60)]) {
      fs.writeFileSync(file, lineList(100))
      fs.writeFileSync(`${file}.gz`, zlib.gzipSync(old))
      expect(await compressSettled(file, 0)).toEqual({ kind: 'compressed' })
      expect(fs.readdirSync(dir)).toEqual(['Kp.jsonl.gz'])
      expect(gunzip(`${file}.gz`)).toBe(lineList(100))
    }
  })

  it('never replaces a .gz holding other lines: it fails and leaves both files as they were', async () => {
    const file = path.join(dir, 'Kp.jsonl')
    fs.writeFileSync(file, 'new\n')
    fs.writeFileSync(`${file}.gz`, zlib.gzipSync('old\n'))
    await expect(compressSettled(file, 0)).rejects.toSatisfy((e: unknown) => LogWriteError.isInstance(e) && /already exists and holds lines/.test((e as Error).message))
    expect(fs.readdirSync(dir).sort()).toEqual(['Kp.jsonl', 'Kp.jsonl.gz'])
    expect(fs.readFileSync(file, 'utf8')).toBe('new\n')
    expect(gunzip(`${file}.gz`)).toBe('old\n')
  })

  it('a line appended between the last check and the unlink (a writer still on the file) ends up in the .gz', async () => {
    const file = path.join(dir, 'Kp.jsonl')
    fs.writeFileSync(file, lineList(100))
    const link = fs.promises.link
    vi.spyOn(fs.promises, 'link').mockImplementation(async (from, to) => {
      if (to === `${file}.gz`) fs.appendFileSync(file, lineList(1, 100)) // after the last look, before the .gz is published and the file unlinked
      return link(from, to)
    })
    expect(await compressSettled(file, 0)).toEqual({ kind: 'compressed' })
    expect(fs.readdirSync(dir)).toEqual(['Kp.jsonl.gz'])
    expect(gunzip(`${file}.gz`)).toBe(lineList(101))
  })

  it('loses nothing when a process keeps appending to the file while it is compressed', async () => {
    const file = path.join(dir, 'Kp.jsonl')
    fs.writeFileSync(file, lineList(20000))
    let appended = 20000
    const timer = setInterval(() => fs.appendFileSync(file, lineList(1, appended++)), 1)
    let outcome: string
    try {
      outcome = (await compressSettled(file, 0)).kind
    } finally {
      clearInterval(timer)
    }
    const gz = fs.existsSync(`${file}.gz`) ? gunzip(`${file}.gz`) : ''
    const plain = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : ''
    expect(gz + plain, outcome).toBe(lineList(appended))
    expect(fs.readdirSync(dir).filter((f) => f.includes('.tmp-') || f.includes('.claim'))).toEqual([])
  })
})
