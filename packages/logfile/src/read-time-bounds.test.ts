// since / until of readLogs and readLogFile: a bigint of ns, a Date or RFC 3339 text, converted
// exactly; anything else is refused at the call, naming the option and the value.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { encodeJsonl } from './jsonl-encode.js'
import { readLogFile } from './read-log-file.js'
import { readLogs } from './read-logs.js'
import type { LogReader, ReadOptions } from './read-types.js'
import { formatRfc3339, parseRfc3339 } from './rfc3339.js'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-logfile-bounds-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

/** 1000 points one second apart from 2026-12-08T02:00:00Z, a few ns past each second (a Date cannot hold them). */
const START = parseRfc3339('2026-12-08T02:00:00Z')
const times = Array.from({ length: 1000 }, (_, i) => START + BigInt(i) * 1_000_000_000n + 7n)
const file = path.join(dir, 'a.jsonl')
fs.writeFileSync(file, times.map((timestamp, i) => `${encodeJsonl({ measurement: 'm', tags: {}, fields: { v: { type: 'integer', value: BigInt(i) } }, timestamp })}\n`).join(''))

async function timesRead(reader: LogReader): Promise<bigint[]> {
  const out: bigint[] = []
  for await (const { record } of reader) out.push(record.timestamp)
  return out
}

describe('since / until of the readers', () => {
  it('take RFC 3339 text and Dates as the same ns as a bigint, in both readers and every path', async () => {
    const since = parseRfc3339('2026-12-08T02:02:00.000000007Z')
    const until = parseRfc3339('2026-12-08T02:10:30Z')
    const expected = times.filter((t) => t >= since && t < until)
    expect(expected.length).toBe(510)
    const forms: ReadOptions[] = [
      { since, until },
      { since: '2026-12-08T02:02:00.000000007Z', until: '2026-12-08T02:10:30Z' },
      { since: '2026-12-08T03:02:00.000000007+01:00', until: new Date('2026-12-08T02:10:30Z') },
    ]
    for (const bounds of forms) {
      for (const extra of [{}, { lineProtocol: true }]) {
        const options = { ...bounds, ...extra }
        const one = readLogFile(file, options)
        expect(await timesRead(one), JSON.stringify(options, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))).toEqual(expected)
        expect(one.stats).toEqual({ files: 1, records: 510, badLines: 0, filtered: 490 })
        expect(await timesRead(readLogs([file], options))).toEqual(expected)
      }
    }
    // A Date's ms: since 02:02:00.000 keeps the point at 02:02:00.000000007.
    expect((await timesRead(readLogs(file, { since: new Date('2026-12-08T02:02:00Z') })))[0]).toBe(since)
  })

  it('refuse a number, a string that is not RFC 3339, an invalid Date and other types, at the call, naming the option and the value', () => {
    for (const read of [(o: ReadOptions) => readLogs(file, o), (o: ReadOptions) => readLogFile(file, o)]) {
      expect(() => read({ since: 1796697000 as never })).toThrow(
        new TypeError('since must be a bigint of nanoseconds, a Date or an RFC 3339 string, got number 1796697000 (a number cannot hold ns exactly)'),
      )
      expect(() => read({ until: 1796697000000000000 as never })).toThrow(/^until must be a bigint of nanoseconds, a Date or an RFC 3339 string, got number 1796697000000000000 /)
      expect(() => read({ until: null as never })).toThrow(TypeError)
      expect(() => read({ since: { ns: 1n } as never })).toThrow(/^since must be .* got object /)
      expect(() => read({ until: '1796697000000000000' })).toThrow(RangeError)
      expect(() => read({ until: '1796697000000000000' })).toThrow(/^until "1796697000000000000" is not an RFC 3339 time such as 2024-04-06T01:09:09Z: /)
      expect(() => read({ since: '2026-02-30T00:00:00Z' })).toThrow(/^since "2026-02-30T00:00:00Z" is not an RFC 3339 time .*day 30 does not exist in 2026-02/)
      expect(() => read({ since: new Date('garbage') })).toThrow(new RangeError('since is an invalid Date'))
    }
  })

  it('keep a bigint exactly, also one outside any Date', async () => {
    const last = times[times.length - 1]!
    expect(await timesRead(readLogFile(file, { since: last }))).toEqual([last])
    expect(await timesRead(readLogFile(file, { until: times[0]! + 1n }))).toEqual([times[0]])
    expect(formatRfc3339(last)).toBe('2026-12-08T02:16:39.000000007Z')
  })
})
