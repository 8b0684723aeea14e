import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { openDelivery } from './delivery.js'
import { SpoolDrainError } from './errors.js'
import type { ErrorEvent } from './events.js'
import { CaptureSink, closedPort, makeConfig, readAll, tempDir, waitFor } from '../test/helpers.js'

/** Every `.lp` spool file under `dir`, sealed or not. */
function spoolFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.lp')).map((f) => path.join(dir, f))
}

describe('the spool drainer, when a file operation fails', () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it('reports SpoolDrainError naming the spool and the cause, keeps every point in the spool, and tries again: no unhandled rejection', async () => {
    const dir = tempDir()
    const port = await closedPort()
    const stderr = new CaptureSink()
    const errors: ErrorEvent[] = []
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown) => unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)
    // The disk is full for the drain's lock file (as on a full spool disk); the spool itself was written before.
    const writeFile = fs.promises.writeFile.bind(fs.promises)
    let refused = 0
    vi.spyOn(fs.promises, 'writeFile').mockImplementation(async (file, ...rest) => {
      if (String(file).includes('.lock.')) {
        refused++
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' })
      }
      return writeFile(file, ...rest)
    })
    const config = makeConfig(dir, { servers: [{ name: 'cloud', url: `http://127.0.0.1:${port}`, api: 'v1' }], retry: { max_retries: '1', max_retry_time: '1s' } })
    const delivery = await openDelivery(config, { stderr, onError: (event) => errors.push(event) })
    try {
      const lines = Array.from({ length: 20 }, (_, i) => `m,s=Kp v=${i} ${1617672549204824064n + BigInt(i)}`)
      await delivery.enqueue(lines)
      await waitFor(() => errors.filter((e) => SpoolDrainError.isInstance(e.error)).length >= 2, 'two drain passes that failed on the lock file')
      const failure = errors.find((e) => SpoolDrainError.isInstance(e.error))!
      expect(failure.server).toBe('cloud')
      expect(failure.reason).toMatch(/^cannot drain the spool of server "cloud" in .*spool.*: ENOSPC: no space left on device, write; its points stay in the spool, and the drain is tried again later$/)
      expect(((failure.error as SpoolDrainError).cause as { code?: string }).code).toBe('ENOSPC')
      expect(stderr.text).toContain('cannot drain the spool of server "cloud"')
      expect(refused).toBeGreaterThanOrEqual(2)
    } finally {
      await delivery.close()
      process.off('unhandledRejection', onUnhandled)
    }
    expect(unhandled).toEqual([])
    // Every point is still in the spool, and no half-written lock file was left.
    const spooled = await readAll(spoolFiles(path.join(dir, 'spool')), 'lp')
    expect(spooled.map((r) => r.fields.v)).toEqual(Array.from({ length: 20 }, (_, i) => ({ type: 'float', value: i })))
    expect(fs.readdirSync(path.join(dir, 'spool'), { recursive: true, encoding: 'utf8' }).filter((f) => f.includes('.lock'))).toEqual([])
  })
})

describe('a drain asked for (delivery.drainSpool(), the CLI `spool drain`), when a file operation fails', () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it('rejects with SpoolDrainError naming the server, the spool file, its lock file and the cause; every point stays in the spool', async () => {
    const dir = tempDir()
    const port = await closedPort()
    const config = makeConfig(dir, { servers: [{ name: 'cloud', url: `http://127.0.0.1:${port}`, api: 'v1' }], retry: { max_retries: '0', max_retry_time: '1s' } })
    const delivery = await openDelivery(config, { stderr: new CaptureSink(), drainSpool: false })
    try {
      const lines = Array.from({ length: 5 }, (_, i) => `m,s=Kp v=${i} ${1617672549204824064n + BigInt(i)}`)
      expect(await delivery.enqueue(lines, true)).toMatchObject({ cloud: { spooled: 5 } })
      const writeFile = fs.promises.writeFile.bind(fs.promises)
      vi.spyOn(fs.promises, 'writeFile').mockImplementation(async (file, ...rest) => {
        if (String(file).includes('.lock.')) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' })
        return writeFile(file, ...rest)
      })
      const error = await delivery.drainSpool().catch((e: unknown) => e)
      expect(SpoolDrainError.isInstance(error)).toBe(true)
      const drainError = error as SpoolDrainError
      // The pass sealed the file being written before it failed on its lock.
      const [spooled] = await delivery.listSpool()
      expect(drainError.server).toBe('cloud')
      expect(drainError.message).toContain(spooled!.file)
      expect(drainError.message).toContain(`${spooled!.file}.lock`)
      expect(drainError.message).toMatch(/server "cloud".*ENOSPC: no space left on device/)
      expect((drainError.cause as { code?: string }).code).toBe('ENOSPC')
      vi.restoreAllMocks()
      expect((await delivery.listSpool()).map((f) => f.file)).toEqual([spooled!.file])
    } finally {
      vi.restoreAllMocks()
      await delivery.close()
    }
  })
})
