// A field key holding `"` is refused on every path the record rules apply to:
// VictoriaMetrics (1.79) answers 204 to such a line and stores the point wrong
// (test/victoria-metrics.integration.test.ts shows what it does keep).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { thrownBy } from '../test/fixtures/thrown.js'
import { CsvDecoder } from './csv-decoder.js'
import { CsvEncoder } from './csv-encoder.js'
import { LogfileError, RecordError } from './errors.js'
import { chunkEncoder } from './formats.js'
import { decodeJsonl } from './jsonl-decode.js'
import { encodeJsonl } from './jsonl-encode.js'
import { jsonlLineToLineProtocol } from './jsonl-to-lp.js'
import { openLogWriter } from './log-writer.js'
import { decodeLineProtocol } from './lp-decode.js'
import { encodeLineProtocol } from './lp-encode.js'
import { readLogs } from './read-logs.js'
import type { BadLine } from './read-types.js'
import type { InfluxRecord } from './record.js'
import { validateRecord } from './validate-record.js'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-logfile-quote-key-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

const T = 1617672549000000000n
const good: InfluxRecord = { measurement: 'fq', tags: { s: 'Kp' }, fields: { temp: { type: 'float', value: 21.5 } }, timestamp: T }
const quoted: InfluxRecord = { measurement: 'fq', tags: { s: 'Kp' }, fields: { 'temp"C': { type: 'float', value: 21.5 } }, timestamp: T }
const REASON = 'field key "temp\\"C" contains a double quote (")'

function refusal(run: () => unknown): LogfileError {
  const error = thrownBy(run)
  expect(LogfileError.isInstance(error), String(error)).toBe(true)
  expect((error as Error).message).toContain(REASON)
  return error as LogfileError
}

describe('a double quote in a field key', () => {
  it('is refused by validateRecord and every encoder, naming the key', () => {
    for (const run of [() => validateRecord(quoted), () => encodeLineProtocol(quoted), () => encodeJsonl(quoted), () => new CsvEncoder().encode([quoted])]) {
      const error = refusal(run)
      expect(RecordError.isInstance(error)).toBe(true)
      expect((error as RecordError).key).toBe('fields.temp"C')
    }
    for (const format of ['lp', 'jsonl', 'csv'] as const) expect(refusal(() => chunkEncoder(format).encode([good, quoted])).message).toMatch(/^record 1 of 2: /)
  })

  it('is refused by every decoder: line protocol (also escaped), JSONL, JSONL to line protocol, annotated CSV', () => {
    refusal(() => decodeLineProtocol('fq,s=Kp temp"C=21.5 1617672549000000000'))
    refusal(() => decodeLineProtocol('fq,s=Kp temp\\"C=21.5 1617672549000000000'))
    const jsonl = encodeJsonl(good).replace('"temp"', '"temp\\"C"')
    refusal(() => decodeJsonl(jsonl))
    refusal(() => jsonlLineToLineProtocol(jsonl))
    const csv = new CsvDecoder()
    csv.decodeLine('#datatype measurement,tag,double,dateTime:number', 1)
    csv.decodeLine('m,s,"temp""C",time', 2)
    refusal(() => csv.decodeLine('fq,Kp,21.5,1', 3))
  })

  it('is a bad line in every reading path, and an append the writer refuses whole', async () => {
    const file = path.join(dir, 'q.jsonl')
    // Lines of a known shape first, so that the fast paths have the shape when the quoted key comes.
    const lines = [...Array.from({ length: 20 }, (_, i) => encodeJsonl({ ...good, timestamp: T + BigInt(i) })), encodeJsonl(good).replace('"temp"', '"temp\\"C"')]
    fs.writeFileSync(file, `${lines.join('\n')}\n`)
    for (const lineProtocol of [false, true]) {
      const bad: BadLine[] = []
      const reader = readLogs(file, { lineProtocol, onBadLine: (b) => bad.push(b) })
      const iterator = reader[Symbol.asyncIterator]()
      let read = 0
      for (;;) {
        const run = iterator.readyRun()
        if (run !== undefined) {
          read += run.count
          continue
        }
        const item = iterator.ready() ?? (await iterator.next()).value
        if (item === undefined) break
        read++
      }
      expect(read).toBe(20)
      expect(bad.map((b) => [b.line, b.reason.includes(REASON)])).toEqual([[21, true]])
    }
    const writer = await openLogWriter({ path: path.join(dir, 'w.lp'), format: 'lp', rotate: { kind: 'none' }, fsync: 'never' })
    await expect(writer.append([good, quoted])).rejects.toThrow(REASON)
    await writer.close()
    expect(fs.existsSync(path.join(dir, 'w.lp')) ? fs.readFileSync(path.join(dir, 'w.lp'), 'utf8') : '').toBe('')
  })
})
