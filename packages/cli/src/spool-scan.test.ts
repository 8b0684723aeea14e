// scanSpool on a spool the writer itself made: a delivery to a port nobody
// listens on keeps its points in the spool.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseConfig } from '@eht-influx-client/config'
import { freePort } from '@eht-influx-client/test-support'
import { openDelivery } from '@eht-influx-client/writer'
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest'
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
    expect(off).toEqual({ server: 'off', enabled: false, configured: true, files: [], unsealedFiles: 0, bytes: 0, points: 0, delivered: 0, oldest: undefined, badLines: 0, unreadable: [] })

    fs.appendFileSync(down!.files[0]!, 'm v=4 16176725')
    const reported: number[] = []
    const [torn] = await scanSpool(config, ['down'], (bytes) => reported.push(bytes))
    expect(torn).toMatchObject({ points: 3, badLines: 1 })
    expect(reported.at(-1)).toBe(torn!.bytes)
  })

  afterEach(() => {
    vi.restoreAllMocks()
  })

  it('reports a spool file it cannot read, by name and cause (only a file deleted meanwhile is passed over)', async () => {
    const config = parseConfig('[client]\nbucket = eht_test\n[server.cloud]\nurl = http://127.0.0.1:1\napi = v1\n', path.join(dir, 'unreadable', 'influx_config.ini'))
    const folder = path.join(config.spool.dir, 'cloud')
    fs.mkdirSync(folder, { recursive: true })
    const unreadable = path.join(folder, 'spool-20260101T000000000Z-1-0.lp')
    const readable = path.join(folder, 'spool-20260101T000000000Z-1-1.lp')
    for (const file of [unreadable, readable]) fs.writeFileSync(file, 'm v=1 1617672549204824064\n')
    // As a file of another user with mode 600 (root, running these tests, could read it).
    const open = fs.promises.open.bind(fs.promises)
    vi.spyOn(fs.promises, 'open').mockImplementation(async (target, ...rest) => {
      if (String(target) === unreadable) throw Object.assign(new Error(`EACCES: permission denied, open '${unreadable}'`), { code: 'EACCES', syscall: 'open', path: unreadable })
      return open(target, ...rest)
    })
    const [cloud] = await scanSpool(config, ['cloud'])
    expect(cloud).toMatchObject({ points: 1, files: [unreadable, readable] })
    expect(cloud!.unreadable).toEqual([`cannot read spool file ${unreadable}: EACCES: permission denied, open '${unreadable}'`])
  })
})
