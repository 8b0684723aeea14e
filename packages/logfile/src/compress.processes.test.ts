// Several processes share one rotated logfile with compressRotated: no resolved append is lost,
// no writer is told of an error because another compressed a file first, and every rotated
// file ends up compressed, also one whose compression a kill -9 cut short.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { openLogWriter } from './log-writer.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const child = path.join(here, '..', 'test', 'fixtures', 'rotate-child.mjs')

let dir: string
beforeAll(() => {
  if (!fs.existsSync(path.join(here, '..', 'dist', 'index.js'))) throw new Error('the child processes import dist/: run `pnpm --filter @eht-influx-client/logfile build` first')
})
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-logfile-gzprocs-'))
})
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

function run(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child, ...args], { stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    proc.on('error', reject)
    proc.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`writer ${args[2]} exited with ${code}: ${stderr}`))))
  })
}

/** Every `p:seq` in the directory's files, plain or gzipped, and how often. */
function seen(): Map<string, number> {
  const out = new Map<string, number>()
  for (const name of fs.readdirSync(dir)) {
    if (!/\.jsonl(\.gz)?$/.test(name)) continue
    let bytes = fs.readFileSync(path.join(dir, name))
    if (name.endsWith('.gz')) bytes = zlib.gunzipSync(bytes)
    for (const line of bytes.toString().split('\n')) {
      if (line === '') continue
      const r = JSON.parse(line) as { tags: { p: string }; fields: { seq: { i: string } } }
      const key = `${r.tags.p}:${r.fields.seq.i}`
      out.set(key, (out.get(key) ?? 0) + 1)
    }
  }
  return out
}

/** Runs every child to its end (none left writing into the next test's cleanup), then fails with the first failure. */
async function runAll(runs: string[][]): Promise<void> {
  const results = await Promise.allSettled(runs.map(run))
  const failed = results.find((r) => r.status === 'rejected')
  if (failed !== undefined) throw failed.reason
}

const missing = (got: Map<string, number>, expected: string[]) => expected.filter((key) => !got.has(key))
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('compressRotated with several processes', () => {
  it('size rotation, four processes: every resolved append is in a file, and no flush() or close() fails', async () => {
    const APPENDS = 1500
    const pattern = path.join(dir, 'Kp.jsonl')
    await runAll(['1', '2', '3', '4'].map((id) => [pattern, 'size', id, String(APPENDS), '300']))
    const expected = ['1', '2', '3', '4'].flatMap((id) => Array.from({ length: APPENDS }, (_, i) => Array.from({ length: 1 + ((i * 7 + Number(id)) % 5) }, (_, j) => `${id}:${i * 10 + j}`)).flat())
    expect(missing(seen(), expected)).toEqual([])
    // Once settled, a writer that opens compresses every file but the last, and leaves no temporary file or claim.
    await sleep(400)
    const w = await openLogWriter({ path: pattern, format: 'jsonl', rotate: { kind: 'size', maxBytes: 20000 }, compressRotated: true, compressGraceMs: 300, fsync: 'never' })
    await w.flush()
    const current = path.basename(w.currentPath!)
    await w.close()
    const names = fs.readdirSync(dir)
    expect(names.length).toBeGreaterThan(20)
    expect(names.filter((n) => !n.endsWith('.gz'))).toEqual([current])
    expect(names.filter((n) => /\.(tmp-|claim)/.test(n))).toEqual([])
    expect(missing(seen(), expected)).toEqual([])
  }, 120_000)

  it('daily rotation, three processes crossing midnight: none is told of a compression the other did, and the old day is compressed once', async () => {
    const pattern = path.join(dir, 'Kp-%Y%m%d.jsonl')
    const t0 = String(Date.now() + 500)
    await runAll(['1', '2', '3'].map((id) => [pattern, 'daily', id, '40', '300', t0]))
    const expected = ['1', '2', '3'].flatMap((id) => Array.from({ length: 40 }, (_, i) => `${id}:${i * 10}`))
    expect(missing(seen(), expected)).toEqual([])
    expect(fs.readdirSync(dir).sort()).toEqual(['Kp-20240101.jsonl.gz', 'Kp-20240102.jsonl'])
  }, 60_000)
})

describe('compressRotated after a kill -9', () => {
  it('a compression cut short is done by the next writer that opens; the dead process leaves no temporary file or claim', async () => {
    const pattern = path.join(dir, 'Kp-%Y%m%d.jsonl')
    const day1 = path.join(dir, 'Kp-20240101.jsonl')
    const proc = spawn(process.execPath, [path.join(here, '..', 'test', 'fixtures', 'compress-kill-child.mjs'), pattern], { stdio: ['ignore', 'ignore', 'inherit'] })
    const exited = new Promise((resolve) => proc.on('exit', resolve))
    let killed = false
    for (let i = 0; i < 6000 && !killed; i++) {
      if (fs.readdirSync(dir).some((n) => n.includes('.gz.tmp-'))) {
        proc.kill('SIGKILL')
        killed = true
      } else await sleep(5)
    }
    if (!killed) proc.kill('SIGKILL')
    await exited
    expect(killed).toBe(true)
    const plain = fs.readFileSync(day1)
    expect(fs.readdirSync(dir).filter((n) => n.includes('.gz.tmp-'))).toHaveLength(1)
    const w = await openLogWriter({ path: pattern, format: 'jsonl', rotate: { kind: 'daily' }, compressRotated: true, compressGraceMs: 0, fsync: 'never', now: () => new Date(Date.UTC(2024, 0, 2, 0, 5)) })
    await w.flush()
    await w.close()
    expect(fs.readdirSync(dir).sort()).toEqual(['Kp-20240101.jsonl.gz', 'Kp-20240102.jsonl'])
    expect(zlib.gunzipSync(fs.readFileSync(`${day1}.gz`)).equals(plain)).toBe(true)
  }, 60_000)
})
