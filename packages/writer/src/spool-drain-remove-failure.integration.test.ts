import fs from 'node:fs'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { startVictoriaMetrics, type VictoriaMetricsServer } from '@eht-influx-client/test-support'
import { openDelivery } from './delivery.js'
import { SpoolDrainError } from './errors.js'
import { serverSpoolDir } from './spool.js'
import { CaptureSink, makeConfig, tempDir } from '../test/helpers.js'

let vm: VictoriaMetricsServer

beforeAll(async () => {
  vm = await startVictoriaMetrics()
})
afterAll(async () => {
  await vm?.stop()
})
afterEach(() => {
  vi.restoreAllMocks()
})

describe('a drained spool file that cannot be deleted, nor its lock (the spool folder became read-only)', () => {
  it('the drain rejects with the error that says the points would be sent again, which also names the lock', async () => {
    const dir = tempDir()
    const config = makeConfig(dir, { servers: [{ name: 'cloud', url: vm.url, api: 'v2', keys: { token: 'vm-token-not-checked' } }] })
    const folder = serverSpoolDir(config.spool.dir, 'cloud')
    fs.mkdirSync(folder, { recursive: true })
    const file = path.join(folder, 'spool-20260101T000000000Z-123-0.lp')
    fs.writeFileSync(file, Array.from({ length: 5 }, (_, i) => `sd_rofs,s=Kp v=${i} ${1617672549204824064n + BigInt(i)}\n`).join(''))
    const delivery = await openDelivery(config, { stderr: new CaptureSink(), drainSpool: false })
    try {
      // A folder remounted read-only after the lock was taken: a fault a test cannot cause on demand (root ignores modes).
      const rm = fs.promises.rm.bind(fs.promises)
      const refused: string[] = []
      vi.spyOn(fs.promises, 'rm').mockImplementation(async (target, ...rest) => {
        const name = String(target)
        if (name === file || name === `${file}.lock`) {
          refused.push(path.basename(name))
          throw Object.assign(new Error(`EROFS: read-only file system, unlink '${name}'`), { code: 'EROFS', syscall: 'unlink' })
        }
        return rm(target, ...rest)
      })
      const error = await delivery.drainSpool().catch((e: unknown) => e)
      vi.restoreAllMocks()
      expect(refused).toEqual([path.basename(file), `${path.basename(file)}.lock`])
      expect(await vm.countSamples('{__name__="sd_rofs_v"}')).toBe(5)
      expect(SpoolDrainError.isInstance(error)).toBe(true)
      const message = (error as Error).message
      expect(message).toMatch(new RegExp(`^cannot drain the spool of server "cloud" in .*: cannot delete spool file ${file}, which the server took whole \\(a drain would send its points again\\): EROFS`))
      expect(message).toContain(`also cannot remove its lock ${file}.lock: EROFS`)
      expect(((error as Error).cause as { code?: string }).code).toBe('EROFS')
    } finally {
      vi.restoreAllMocks()
      await delivery.close()
    }
  })
})
