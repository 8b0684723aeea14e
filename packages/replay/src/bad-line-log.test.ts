import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { BadLineLog } from './bad-line-log.js'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-replay-bad-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

function sink() {
  const lines: string[] = []
  return { lines, write: (t: string) => lines.push(t) }
}

describe('BadLineLog', () => {
  it('appends every bad line to the errors file with file, line, column and text', async () => {
    const errorsFile = path.join(dir, 'sub', 'errors.jsonl')
    const out = sink()
    const seen: number[] = []
    const log = new BadLineLog({ errorsFile, stderr: 'summary' }, out, (bad) => seen.push(bad.line))
    for (let i = 1; i <= 300; i++) log.report({ file: '/logs/a.lp', line: i, column: 3, reason: 'expected a field', text: `bad ${i}` })
    log.report({ file: '/logs/b.jsonl', line: 7, reason: 'not JSON', text: '{' })
    await log.close()
    const entries = fs.readFileSync(errorsFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(entries).toHaveLength(301)
    expect(entries[41]).toMatchObject({ file: '/logs/a.lp', lineNumber: 42, column: 3, message: '/logs/a.lp:42:3: bad line skipped: expected a field', line: 'bad 42' })
    expect(entries[300]).not.toHaveProperty('column')
    expect(seen).toHaveLength(301)
    expect(out.lines).toEqual([`eht-influx-client: replay: 301 bad lines skipped; they are listed in ${errorsFile}\n`])
  })

  it('prints each line with stderr = every and nothing with off', async () => {
    const every = sink()
    const a = new BadLineLog({ errorsFile: path.join(dir, 'e1.jsonl'), stderr: 'every' }, every)
    a.report({ file: 'f.lp', line: 2, reason: 'r', text: 't' })
    await a.close()
    expect(every.lines).toEqual(['eht-influx-client: replay: f.lp:2: bad line skipped: r\n'])
    const off = sink()
    const b = new BadLineLog({ errorsFile: path.join(dir, 'e2.jsonl'), stderr: 'off' }, off)
    b.report({ file: 'f.lp', line: 2, reason: 'r', text: 't' })
    await b.close()
    expect(off.lines).toEqual([])
  })

  it('continues an errors file whose last line was torn (a full disk, a crash) on a new line, as the writer does', async () => {
    const errorsFile = path.join(dir, 'torn.jsonl')
    fs.writeFileSync(errorsFile, '{"time":"2026-01-01T00:00:00.000Z","server":"a","status":400,"message":"m","line":"x v=1 1"}\n{"time":"2026-01-01T00:0')
    const log = new BadLineLog({ errorsFile, stderr: 'off' }, sink())
    log.report({ file: 'f.lp', line: 3, reason: 'expected a field', text: 'bad' })
    expect(await log.close()).toBeUndefined()
    const lines = fs.readFileSync(errorsFile, 'utf8').split('\n')
    expect(lines[1]).toBe('{"time":"2026-01-01T00:0')
    expect(JSON.parse(lines[2]!)).toMatchObject({ file: 'f.lp', lineNumber: 3, line: 'bad' })
    expect(lines.slice(3)).toEqual([''])
  })

  it('keeps counting and says so when the errors file cannot be written', async () => {
    const blocker = path.join(dir, 'not-a-dir')
    fs.writeFileSync(blocker, '')
    const log = new BadLineLog({ errorsFile: path.join(blocker, 'errors.jsonl'), stderr: 'off' }, sink())
    log.report({ file: 'f.lp', line: 1, reason: 'r', text: 't' })
    log.report({ file: 'f.lp', line: 2, reason: 'r', text: 't' })
    expect(await log.close()).toMatch(/could not be written/)
    expect(log.count).toBe(2)
  })
})
