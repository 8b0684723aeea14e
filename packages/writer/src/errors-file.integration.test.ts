import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startInfluxDB1, type InfluxDB1Server } from '@eht-influx-client/test-support'
import { EHTInfluxDBClient } from './client.js'
import { openDelivery } from './delivery.js'
import { readErrorsFile } from './errors-file.js'
import type { ErrorEvent } from './events.js'
import { CaptureSink, makeConfig, tempDir } from '../test/helpers.js'
import { canMountSmallDisk, mountSmallDisk, stillMounted } from '@eht-influx-client/test-support'

let influx: InfluxDB1Server
const canMount = canMountSmallDisk()

beforeAll(async () => {
  influx = await startInfluxDB1({ database: 'eht_test' })
})
afterAll(async () => {
  await influx?.stop()
  expect(stillMounted, 'tmpfs disks left mounted').toEqual([])
})

/** `count` float points of `measurement` with a long tag: InfluxDB refuses them all once the field is an integer there. */
function conflicting(measurement: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${measurement},pad=${'x'.repeat(200)},station=Kp value=${i}.5 ${1617672549204824064n + BigInt(i)}`)
}

describe('points a server rejects, when the errors file cannot take them', () => {
  it.skipIf(!canMount)('on a full disk: the error says how many are in the errors file and how many only in the logfile', async () => {
    const dir = tempDir()
    const disk = path.join(dir, 'disk')
    fs.mkdirSync(disk)
    const unmount = mountSmallDisk(disk)!
    try {
      fs.writeFileSync(path.join(disk, 'filler'), Buffer.alloc(16 * 1024))
      await influx.write('ef_full,station=Kp value=1i 1617672549000000000')
      const config = makeConfig(dir, { servers: [{ name: 'local', url: influx.url, api: 'v1' }], errors: { errors_file: './disk/errors.jsonl', stderr: 'off' } })
      const errors: ErrorEvent[] = []
      const delivery = await openDelivery(config, { stderr: new CaptureSink(), onError: (e) => errors.push(e) })
      const lines = conflicting('ef_full', 400)
      const outcome = await delivery.enqueue(lines, true)
      await delivery.close()
      expect(outcome?.local).toMatchObject({ rejected: 400, spooled: 0 })
      const whole = await readErrorsFile(config.errors.errorsFile, { onBadLine: () => {} })
      expect(whole.length).toBeGreaterThan(0)
      expect(whole.map((e) => e.line)).toEqual(lines.slice(0, whole.length))
      expect(errors.map((e) => e.reason)).toEqual([
        expect.stringMatching(
          new RegExp(`^server "local" rejected 400 points \\(HTTP 400.*field type conflict.*\\) and the errors file ${config.errors.errorsFile} could not be written \\(ENOSPC[^)]*\\); the first ${whole.length} of them are in it, the other ${400 - whole.length} only in the logfile$`),
        ),
      ])
    } finally {
      unmount()
    }
  })

  it('its folder removed while the client runs: made again for the next rejected point', async () => {
    const dir = tempDir()
    await influx.write('ef_gone,station=Kp value=1i 1617672549000000000')
    const config = makeConfig(dir, { servers: [{ name: 'local', url: influx.url, api: 'v1' }], errors: { errors_file: './errs/errors.jsonl', stderr: 'off' } })
    const client = await EHTInfluxDBClient.fromConfig(config, { stderr: new CaptureSink() })
    const api = client.writeApi({ writeMode: 'synchronous' })
    const [first, second] = conflicting('ef_gone', 2)
    expect((await api.writeRecord(first!)).servers?.local).toMatchObject({ rejected: 1 })
    fs.rmSync(path.join(dir, 'errs'), { recursive: true })
    expect((await api.writeRecord(second!)).servers?.local).toMatchObject({ rejected: 1 })
    await client.close()
    expect((await readErrorsFile(config.errors.errorsFile)).map((e) => e.line)).toEqual([second])
  })
})
