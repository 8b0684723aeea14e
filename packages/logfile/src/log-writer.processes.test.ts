// Four processes append to one file at once: no line is broken or interleaved.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BadLine } from './read-types.js'
import { readLogFile } from './read-log-file.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const child = path.join(here, '..', 'test', 'fixtures', 'append-child.mjs')
const APPENDS = 150
const WRITERS = ['a', 'b', 'c', 'd']

let dir: string
beforeAll(() => {
  if (!fs.existsSync(path.join(here, '..', 'dist', 'index.js'))) throw new Error('the child processes import dist/: run `pnpm --filter @eht-influx-client/logfile build` first')
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-logfile-procs-'))
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

function run(file: string, format: string, id: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child, file, format, id, String(APPENDS)], { stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    proc.on('error', reject)
    proc.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`writer ${id} exited with ${code}: ${stderr}`))))
  })
}

describe.each(['jsonl', 'lp', 'csv'])('four processes appending to one %s file', (format) => {
  it('leave only whole lines: every record of every writer reads back, in each writer\'s order', async () => {
    const file = path.join(dir, `shared.${format}`)
    await Promise.all(WRITERS.map((id) => run(file, format, id)))
    const bad: BadLine[] = []
    const seen = new Map<string, bigint[]>(WRITERS.map((id) => [id, []]))
    for await (const { record } of readLogFile(file, { onBadLine: (b) => bad.push(b) })) {
      const id = record.tags.writer!
      const seq = record.fields.seq!.value as bigint
      expect((record.fields.payload!.value as string).startsWith(`${id}:${seq / 10n}:${seq % 10n}:`)).toBe(true)
      seen.get(id)!.push(seq)
    }
    expect(bad.map((b) => `${b.line}: ${b.reason}`)).toEqual([])
    const expected = Array.from({ length: APPENDS }, (_, i) => Array.from({ length: 1 + (i % 7) }, (_, j) => BigInt(i * 10 + j))).flat()
    for (const id of WRITERS) expect(seen.get(id), `writer ${id}`).toEqual(expected)
  })
})
