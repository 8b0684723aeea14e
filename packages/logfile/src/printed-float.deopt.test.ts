// The float check must not throw away the optimized JSONL transcoder when a
// rare float comes after V8 optimized it (see BRANCHES in printed-float.ts).
// A node child transcodes 16-17 digit floats, then floats near a power of ten,
// a power of two and beyond 1e-250, with --trace-deopt-verbose, which names the
// source of every deoptimization.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeLineProtocol } from './lp-encode.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const child = path.join(here, '..', 'test', 'fixtures', 'transcode-rare-floats-child.mjs')
const COMMON = 60_000
const RARE = [1.0000000000000002e-7, 2 ** -24, -(2 ** -30), 9.999999999999999e-8, 1e-300, 1.2345678901234567e-7]

let dir: string
beforeAll(() => {
  if (!fs.existsSync(path.join(here, '..', 'dist', 'index.js'))) throw new Error('the child process imports dist/: run `pnpm --filter @eht-influx-client/logfile build` first')
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-logfile-deopt-'))
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

describe('rare floats after the JSONL transcoder is optimized', () => {
  it('are transcoded exactly, and no optimized code is thrown away because of the float check', () => {
    const result = spawnSync(process.execPath, ['--trace-deopt-verbose', child, dir, String(COMMON), ...RARE.map(String)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    expect(result.status, result.stderr).toBe(0)
    const lines = result.stdout.trim().split('\n')
    const expected = [...Array.from({ length: COMMON }, (_, i) => Math.sin(i) * 1e-7), ...RARE].reduce(
      (sum, value, i) => sum + encodeLineProtocol({ measurement: 'pps', tags: { station: 'Kp' }, fields: { offset: { type: 'float', value } }, timestamp: 1617672549204824064n + BigInt(i) }).length + 1,
      0,
    )
    expect(JSON.parse(lines.at(-1)!)).toEqual({ points: COMMON + RARE.length, bytes: expected })
    // "deoptimize at <file:///.../printed-float.js:209:44> inlined at <unknown:22:6>": the check, inlined into a transcoder.
    expect(lines.filter((line) => line.includes('deoptimize at') && line.includes('printed-float.js'))).toEqual([])
  })
})
