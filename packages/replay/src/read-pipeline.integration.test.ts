// replay refuses timestamps outside 1990-2100 (seconds, ms or us where ns belong) as bad lines,
// as `write` does, instead of storing them in 1970: on a real InfluxDB 1.x.
import fs from 'node:fs'
import path from 'node:path'
import { encodeJsonl, type InfluxRecord } from '@eht-influx-client/logfile'
import { startInfluxDB1, type InfluxDB1Server } from '@eht-influx-client/test-support'
import { readErrorsFile } from '@eht-influx-client/writer'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { removeTempDirs, tempDir, testConfig } from '../test/support.js'
import { replay } from './replay.js'

let influx: InfluxDB1Server

beforeAll(async () => {
  influx = await startInfluxDB1({ database: 'replay_test' })
})
afterAll(async () => {
  await influx?.stop()
  removeTempDirs()
})

/** Every time stored for `measurement` (ns, as text: int64 stays exact). */
async function storedTimes(measurement: string): Promise<string[]> {
  const text = await influx.queryText(`SELECT * FROM "${measurement}"`, { db: 'replay_test', epoch: 'ns' })
  return [...text.matchAll(/\[(-?\d+),/g)].map((m) => m[1]!)
}

const T = 1617672549204824064n

describe('replay of timestamps in another unit than ns', () => {
  it('sends nothing of the s/ms/us lines of an LP file, reports each with its unit, and sends the 1990-2100 lines', async () => {
    const dir = tempDir()
    const file = path.join(dir, 'prec.lp')
    const good = ['prec m=4 1617672549204824064', 'prec m=5 631152000000000000', 'prec m=6 4102444799999999999']
    fs.writeFileSync(file, ['prec m=1 1617672549', 'prec m=2 1617672549204', 'prec m=3 1617672549204824', ...good, 'prec m=7 4102444800000000000', ''].join('\n'))
    const config = testConfig(dir, [{ name: 'local', url: influx.url, api: 'v1' }])
    const seen: string[] = []
    const summary = await replay({ config, inputs: file, onBadLine: (bad) => seen.push(`${bad.line}: ${bad.reason}`) })
    expect(seen).toEqual([
      '1: timestamp 1617672549 (ns) is outside 1990-2100; this looks like seconds',
      '2: timestamp 1617672549204 (ns) is outside 1990-2100; this looks like milliseconds',
      '3: timestamp 1617672549204824 (ns) is outside 1990-2100; this looks like microseconds',
      '7: timestamp 4102444800000000000 (ns) is outside 1990-2100',
    ])
    expect(summary).toMatchObject({ read: 3, badLines: 4 })
    expect(summary.servers.local).toMatchObject({ accepted: 3, rejected: 0 })
    expect(await storedTimes('prec')).toEqual(['631152000000000000', '1617672549204824064', '4102444799999999999'])
    // The errors file lists them with file and line.
    const entries = (await readErrorsFile(config.errors.errorsFile)) as unknown as Record<string, unknown>[]
    expect(entries.filter((e) => e.file === file).map((e) => [e.lineNumber, e.line])).toEqual([
      [1, 'prec m=1 1617672549'],
      [2, 'prec m=2 1617672549204'],
      [3, 'prec m=3 1617672549204824'],
      [7, 'prec m=7 4102444800000000000'],
    ])
    expect(String(entries[0]!.message)).toContain('prec.lp:1: bad line skipped: timestamp 1617672549 (ns) is outside 1990-2100; this looks like seconds')
  })

  it('does the same for JSONL read in byte runs (two files merged, many lines of one shape)', async () => {
    const dir = tempDir()
    const record = (i: number, timestamp: bigint): InfluxRecord => ({ measurement: 'precj', tags: { station: 'Kp' }, fields: { v: { type: 'integer', value: BigInt(i) } }, timestamp })
    const wrong = new Map<number, string>()
    const files = [0, 1].map((f) => {
      const lines: string[] = []
      for (let i = 0; i < 3000; i++) {
        const n = f * 3000 + i
        let time = T + BigInt(n) * 1000n
        if (i % 100 === 50) {
          time /= [1_000_000_000n, 1_000_000n, 1_000n][(i / 100) % 3 | 0]!
          wrong.set(n, String(time))
        }
        lines.push(encodeJsonl(record(n, time)))
      }
      const file = path.join(dir, `precj.${f}.jsonl`)
      fs.writeFileSync(file, `${lines.join('\n')}\n`)
      return file
    })
    const config = testConfig(dir, [{ name: 'local', url: influx.url, api: 'v1' }])
    const reasons: string[] = []
    const summary = await replay({ config, inputs: files, onBadLine: (bad) => reasons.push(bad.reason) })
    expect(summary).toMatchObject({ read: 6000 - wrong.size, badLines: wrong.size })
    expect(reasons.filter((r) => r.endsWith('this looks like seconds')).length).toBe(20)
    expect(reasons.filter((r) => r.endsWith('this looks like milliseconds')).length).toBe(20)
    expect(reasons.filter((r) => r.endsWith('this looks like microseconds')).length).toBe(20)
    const expected = Array.from({ length: 6000 }, (_, n) => n)
      .filter((n) => !wrong.has(n))
      .map((n) => String(T + BigInt(n) * 1000n))
    expect(await storedTimes('precj')).toEqual(expected)
    // Nothing stored before 1990.
    expect(await influx.queryText(`SELECT count(*) FROM "precj" WHERE time < '1990-01-01T00:00:00Z'`, { db: 'replay_test' })).not.toContain('"count')
  })
})
