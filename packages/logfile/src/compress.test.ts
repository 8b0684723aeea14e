import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { gzipRotated } from './compress.js'
import { LogWriteError } from './errors.js'

let dir: string
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-logfile-gzip-'))
})
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

const lineList = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `line ${from + i} ${'x'.repeat(50)}\n`).join('')

describe('gzipRotated', () => {
  it('replaces the file by file.gz with the same content and leaves no temporary file', async () => {
    const file = path.join(dir, 'Kp.jsonl')
    fs.writeFileSync(file, lineList(1000))
    expect(await gzipRotated(file)).toBe(`${file}.gz`)
    expect(fs.readdirSync(dir)).toEqual(['Kp.jsonl.gz'])
    expect(zlib.gunzipSync(fs.readFileSync(`${file}.gz`)).toString()).toBe(lineList(1000))
  })

  it('never replaces an existing .gz: it fails and leaves both files as they were', async () => {
    const file = path.join(dir, 'Kp.jsonl')
    fs.writeFileSync(file, 'new\n')
    fs.writeFileSync(`${file}.gz`, zlib.gzipSync('old\n'))
    await expect(gzipRotated(file)).rejects.toSatisfy((e: unknown) => LogWriteError.isInstance(e) && /already exists/.test((e as Error).message))
    expect(fs.readdirSync(dir).sort()).toEqual(['Kp.jsonl', 'Kp.jsonl.gz'])
    expect(fs.readFileSync(file, 'utf8')).toBe('new\n')
    expect(zlib.gunzipSync(fs.readFileSync(`${file}.gz`)).toString()).toBe('old\n')
  })

  it('loses nothing when a process keeps appending to the file while it is compressed', async () => {
    const file = path.join(dir, 'Kp.jsonl')
    fs.writeFileSync(file, lineList(20000))
    let appended = 20000
    const timer = setInterval(() => fs.appendFileSync(file, lineList(1, appended++)), 1)
    let outcome: string
    try {
      outcome = await gzipRotated(file).then(
        () => 'compressed',
        (error: unknown) => (error as Error).message,
      )
    } finally {
      clearInterval(timer)
    }
    const gz = fs.existsSync(`${file}.gz`) ? zlib.gunzipSync(fs.readFileSync(`${file}.gz`)).toString() : ''
    const plain = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : ''
    expect(gz + plain, outcome).toBe(lineList(appended))
    expect(fs.readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([])
  })
})
