// scanSpool on a spool the writer itself made: a delivery to a port nobody
// listens on keeps its points in the spool.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseConfig } from '@eht-influx-client/config'
import { freePort } from '@eht-influx-client/test-support'
import { openDelivery } from '@eht-influx-client/writer'
import { afterAll, describe, expect, it } from 'vitest'
import { scanSpool } from './spool-scan.js'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-cli-spool-scan-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

describe('scanSpool', () => {
  it('counts the points and bytes per server, finds the oldest point, counts torn lines', async () => {
    const port = await freePort()
    const text = `[client]\nbucket = eht_test\n[server.down]\nurl = http://127.0.0.1:${port}\napi = v1\n[server.off]\nurl = http://127.0.0.1:${port}\napi = v1\nenabled = false\n[retry]\nmax_retries = 0\n`
    const config = parseConfig(text, path.join(dir, 'influx_config.ini'))
    const delivery = await openDelivery(config, { drainSpool: false, stderr: { write: () => true } })
    delivery.enqueue(['m v=2 1617672550204824064', 'm v=1 1617672549204824064', 'm v=3 1617672551204824064'])
    await delivery.close()

    const [down, off] = await scanSpool(config, ['down', 'off'])
    expect(down).toMatchObject({ server: 'down', enabled: true, points: 3, oldest: 1617672549204824064n, badLines: 0 })
    expect(down!.files).toHaveLength(1)
    expect(down!.bytes).toBe(fs.statSync(down!.files[0]!).size)
    expect(off).toEqual({ server: 'off', enabled: false, files: [], bytes: 0, points: 0, oldest: undefined, badLines: 0 })

    fs.appendFileSync(down!.files[0]!, 'm v=4 16176725')
    const reported: number[] = []
    const [torn] = await scanSpool(config, ['down'], (bytes) => reported.push(bytes))
    expect(torn).toMatchObject({ points: 3, badLines: 1 })
    expect(reported.at(-1)).toBe(torn!.bytes)
  })
})
