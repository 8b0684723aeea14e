// A gzip file whose name does not end in .gz (`influx_inspect export -compress`
// to a plain name, a .gz renamed) is read as gzip by logfile's reader, by its
// content, so its checkpoint offsets count decompressed bytes. The checkpoint's
// checks and the progress total must read it the same way: by the name, its
// checkpoint was checked against the compressed size and dropped at every
// replay (the whole file sent again), and the progress total was the
// compressed size.
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { startInfluxDB1, type InfluxDB1Server } from '@eht-influx-client/test-support'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { removeTempDirs, tempDir, testConfig } from '../test/support.js'
import type { ReplayProgress } from './progress.js'
import { replay } from './replay.js'

const POINTS = 20_000

let influx: InfluxDB1Server

beforeAll(async () => {
  influx = await startInfluxDB1({ database: 'replay_test' })
})
afterAll(async () => {
  await influx?.stop()
  removeTempDirs()
})

describe('a gzip file named .jsonl', () => {
  it('replayed, stopped part way, replayed to its end, replayed again: nothing is sent twice, the progress total is its decompressed size', async () => {
    const dir = tempDir()
    const file = path.join(dir, 'export.jsonl')
    const lines = Array.from({ length: POINTS }, (_, i) => JSON.stringify({ time: String(1617672549204824064n + BigInt(i) * 1000n), measurement: 'gz_plain_name', tags: { station: 'Kp' }, fields: { v: i + 0.5 } }))
    const text = `${lines.join('\n')}\n`
    fs.writeFileSync(file, zlib.gzipSync(text))
    expect(fs.statSync(file).size).toBeLessThan(text.length / 4)
    const config = testConfig(dir, [{ name: 'local', url: influx.url, api: 'v1' }])

    const controller = new AbortController()
    const progress: ReplayProgress[] = []
    const onProgress = (p: ReplayProgress) => {
      progress.push(p)
      if (p.pointsRead >= 5000) controller.abort()
    }
    const first = await replay({ config, inputs: file, rateLimit: { pointsPerSecond: 10_000 }, signal: controller.signal, onProgress })
    expect(first.stoppedEarly).toBe(true)
    expect(first.warnings).toEqual([])
    const done = first.servers.local!.accepted
    expect(done).toBeGreaterThanOrEqual(5000)
    expect(done).toBeLessThan(POINTS)
    // Before the end, the total is the estimate from the gzip trailer: the decompressed size, not the compressed one.
    expect(progress[0]!.done).toBe(false)
    expect(progress[0]!.bytesTotal).toBe(text.length)

    const second = await replay({ config, inputs: file })
    expect(second.warnings).toEqual([])
    expect(second.servers.local).toMatchObject({ alreadyDone: done, sent: POINTS - done, accepted: POINTS - done })

    const third = await replay({ config, inputs: file })
    expect(third.warnings).toEqual([])
    expect(third.servers.local).toMatchObject({ alreadyDone: POINTS, sent: 0 })

    // Its fingerprint is of the decompressed content, as for a .gz: renamed to .jsonl.gz it keeps its checkpoint.
    fs.renameSync(file, `${file}.gz`)
    const renamed = await replay({ config, inputs: `${file}.gz` })
    expect(renamed.warnings).toEqual([])
    expect(renamed.servers.local).toMatchObject({ alreadyDone: POINTS, sent: 0 })
    expect(await influx.countPoints('gz_plain_name', 'replay_test')).toBe(POINTS)
  })
})
