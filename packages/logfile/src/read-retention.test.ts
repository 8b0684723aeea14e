// What reading leaves behind. A name read from a file is a slice of the chunk it
// came from (V8 keeps the whole chunk alive for it), so whatever a decoder's
// caches keep must be a copy. A tag value that changes every few hundred lines
// (a scan name, a run id) is new in each chunk: kept as a slice, each would hold
// on to a chunk of 64 KiB or more, up to thousands of them.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import v8 from 'node:v8'
import { runInNewContext } from 'node:vm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openLogWriter } from './log-writer.js'
import { readLogFile } from './read-log-file.js'
import type { InfluxRecord, LogFormat } from './record.js'

v8.setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

/** Distinct scan names, each on enough lines to fill more than one chunk of any format. */
const SCANS = 200
const LINES_PER_SCAN = 1400
let dir: string

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-logfile-retention-'))
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

/** The records, in batches of one scan; `prefix` makes the scan names of each test new to the caches. */
function* records(prefix: string): Generator<InfluxRecord[]> {
  let i = 0
  for (let scan = 0; scan < SCANS; scan++) {
    const batch: InfluxRecord[] = []
    for (let k = 0; k < LINES_PER_SCAN; k++, i++) {
      batch.push({
        // A measurement of its own per scan too: each is then a new record shape for the encoders.
        measurement: `maser_${prefix}_${String(scan).padStart(5, '0')}`,
        tags: { station: 'Kp', scan: `${prefix}_e22a26_Kp_scan_${String(scan).padStart(5, '0')}` },
        fields: { temperature: { type: 'float', value: 21.5 + (i % 1000) / 997 } },
        timestamp: 1_700_000_000_000_000_000n + BigInt(i) * 1000n,
      })
    }
    yield batch
  }
}

/** Heap in use after full collections. */
function heapUsed(): number {
  gc()
  gc()
  return process.memoryUsage().heapUsed
}

/**
 * With `lineProtocol`, CSV records are encoded to line protocol by encoders compiled
 * per record shape (LP is passed on as read, JSONL transcoded from its bytes). Only
 * one such case: the encoders' cache (256 shapes) must not start over within the
 * test file, or it would free what an earlier case kept.
 */
const CASES: [LogFormat, boolean][] = [
  ['lp', false],
  ['csv', false],
  ['jsonl', false],
  ['csv', true],
]

describe('reading a file whose measurements and tag values keep changing', () => {
  it.each(CASES)('%s (lineProtocol: %s): what the decoders and encoders remember holds no chunk of the file', async (format, lineProtocol) => {
    const prefix = `${format}${lineProtocol ? 'lp' : ''}`
    const file = path.join(dir, `scans-${prefix}.${format}`)
    const writer = await openLogWriter({ path: file, format, rotate: { kind: 'none' }, fsync: 'never', flushIntervalMs: 1000 })
    for (const batch of records(prefix)) await writer.append(batch)
    await writer.close()
    const size = fs.statSync(file).size

    const before = heapUsed()
    let read = 0
    const scans = new Set<string>()
    for await (const item of readLogFile(file, { lineProtocol })) {
      if (item.record === undefined) continue
      read++
      if (scans.size < 3) {
        scans.add(item.record.tags.scan!)
        expect(item.lineProtocol !== undefined).toBe(lineProtocol)
      }
    }
    const grown = heapUsed() - before
    expect(read).toBe(SCANS * LINES_PER_SCAN)
    expect(scans.size).toBe(3)
    // One chunk of 64 KiB kept per scan would be SCANS * 64 KiB (about 13 MB); the
    // caches' own copies of 200 names and shapes, and the encoders compiled for the
    // 200 measurements, take a small fraction of that.
    expect(size).toBeGreaterThan(SCANS * 65536)
    expect(grown).toBeLessThan((SCANS * 65536) / 4)
  })
})
