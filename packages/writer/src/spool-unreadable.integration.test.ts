import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { EHTInfluxDBClient } from './client.js'
import { SpoolDrainError } from './errors.js'
import type { ErrorEvent } from './events.js'
import { serverSpoolDir } from './spool.js'
import { CaptureSink, makeConfig, proxiedVictoriaMetrics, rows, tempDir, waitFor } from '../test/helpers.js'

const servers = proxiedVictoriaMetrics()

/** `n` points of measurement `m` as spooled line protocol. */
const spoolText = (m: string, n: number, start: bigint) => Array.from({ length: n }, (_, i) => `${m} value=${i} ${start + BigInt(i) * 1_000_000n}\n`).join('')

describe('the spool drainer and a spool file it cannot read', () => {
  afterEach(() => {
    vi.restoreAllMocks()
    servers.proxy.setScript({ kind: 'pass' })
  })

  it('reports SpoolDrainError naming the file and the cause, delivers the later files and new points, and keeps the file for later', async () => {
    const dir = tempDir()
    const config = makeConfig(dir, {
      servers: [{ name: 'cloud', url: servers.proxy.url, api: 'v2', keys: { token: 'not-checked' } }],
      retry: { max_retries: '0', min_delay: '50ms', max_delay: '200ms', jitter: '0', max_retry_time: '300ms' },
    })
    const folder = serverSpoolDir(config.spool.dir, 'cloud')
    fs.mkdirSync(folder, { recursive: true })
    // The oldest spool file cannot be read (as a file of another user with mode 600: root, running these tests, could read it).
    const unreadable = path.join(folder, 'spool-20260101T000000000Z-1-0.lp')
    fs.writeFileSync(unreadable, spoolText('unreadable_file', 5, 1617900000000000000n))
    const open = fs.promises.open.bind(fs.promises)
    vi.spyOn(fs.promises, 'open').mockImplementation(async (target, ...rest) => {
      if (String(target) === unreadable) throw Object.assign(new Error(`EACCES: permission denied, open '${unreadable}'`), { code: 'EACCES', syscall: 'open', path: unreadable })
      return open(target, ...rest)
    })
    fs.writeFileSync(path.join(folder, 'spool-20260101T000000000Z-1-1.lp'), spoolText('later_file', 30, 1618000000000000000n))
    // The server is down at first: the client's own points go to the spool, and its outbox waits for the drainer.
    servers.proxy.setScript({ kind: 'status', status: 503 })
    const errors: ErrorEvent[] = []
    const client = await EHTInfluxDBClient.fromConfig(config, { stderr: new CaptureSink(), onError: (event) => errors.push(event) })
    try {
      const api = client.writeApi()
      await api.write({ record: rows(20, 1618100000000000000n), dataFrameMeasurementName: 'while_down', dataFrameTagColumns: ['station'] })
      await api.flush()
      expect(client.stats().cloud!.spooled).toBe(20)

      servers.proxy.setScript({ kind: 'pass' })
      await waitFor(async () => (await servers.vm.countSamples('{__name__="later_file_value"}')) === 30, 'the spool file after the unreadable one to be delivered', 15_000)
      await waitFor(async () => (await servers.vm.countSamples('{__name__="while_down_value"}')) === 20, 'the points spooled while down to be delivered', 15_000)
      const failure = errors.find((e) => SpoolDrainError.isInstance(e.error))
      expect(failure?.reason).toMatch(new RegExp(`^cannot read spool file ${unreadable.replace(/[.\\]/g, '\\$&')} of server "cloud": cannot read .*: EACCES: permission denied, open '.*'; skipped: its points stay in the spool`))
      expect(failure?.server).toBe('cloud')

      // The outbox sends again: new points go straight to the server, not to the spool.
      await waitFor(async () => {
        await api.write({ record: rows(10, 1618200000000000000n), dataFrameMeasurementName: 'after_up', dataFrameTagColumns: ['station'] })
        await api.flush()
        return client.stats().cloud!.spooled === 20
      }, 'new points to be sent directly', 15_000)
      // Reported once for its cause, not at every retry; the file is left where it is.
      expect(errors.filter((e) => SpoolDrainError.isInstance(e.error))).toHaveLength(1)
      expect(fs.readFileSync(unreadable, 'utf8')).toBe(spoolText('unreadable_file', 5, 1617900000000000000n))
      expect(await servers.vm.countSamples('{__name__="unreadable_file_value"}')).toBe(0)
      await api.close()
    } finally {
      await client.close()
    }
  })

  it('a progress file that cannot be written is reported (SpoolDrainError naming it) and does not stop delivery', async () => {
    const dir = tempDir()
    const config = makeConfig(dir, { servers: [{ name: 'cloud', url: servers.proxy.url, api: 'v2', keys: { token: 'not-checked', batch_size: '10' } }] })
    const folder = serverSpoolDir(config.spool.dir, 'cloud')
    fs.mkdirSync(folder, { recursive: true })
    const file = path.join(folder, 'spool-20260101T000000000Z-1-0.lp')
    fs.writeFileSync(file, spoolText('no_progress', 50, 1618300000000000000n))
    const open = fs.promises.open.bind(fs.promises)
    vi.spyOn(fs.promises, 'open').mockImplementation(async (target, ...rest) => {
      if (String(target).includes('.progress.')) throw Object.assign(new Error(`EACCES: permission denied, open '${String(target)}'`), { code: 'EACCES' })
      return open(target, ...rest)
    })
    const errors: ErrorEvent[] = []
    const client = await EHTInfluxDBClient.fromConfig(config, { stderr: new CaptureSink(), onError: (event) => errors.push(event) })
    try {
      await waitFor(async () => (await servers.vm.countSamples('{__name__="no_progress_value"}')) === 50, 'the whole file to be delivered', 15_000)
      await waitFor(() => !fs.existsSync(file), 'the delivered file to be deleted', 15_000)
      const failures = errors.filter((e) => SpoolDrainError.isInstance(e.error))
      expect(failures).toHaveLength(1)
      expect(failures[0]!.reason).toMatch(/^cannot save the progress of spool file .*spool-20260101T000000000Z-1-0\.lp of server "cloud" in .*\.lp\.progress: EACCES: permission denied.*; delivery goes on/)
    } finally {
      await client.close()
    }
  })

  it('a read error part-way through a spool file: what was read is delivered, the file is kept (not deleted as if drained) and reported, and later drained', async () => {
    const dir = tempDir()
    const config = makeConfig(dir, { servers: [{ name: 'cloud', url: servers.proxy.url, api: 'v2', keys: { token: 'not-checked' } }] })
    const folder = serverSpoolDir(config.spool.dir, 'cloud')
    fs.mkdirSync(folder, { recursive: true })
    const file = path.join(folder, 'spool-20260101T000000000Z-1-0.lp')
    fs.writeFileSync(file, spoolText('read_breaks', 40, 1618500000000000000n))
    // The reader's second read of the file fails (a bad sector): its first read had every line.
    const open = fs.promises.open.bind(fs.promises)
    let failing = true
    vi.spyOn(fs.promises, 'open').mockImplementation(async (target, ...rest) => {
      const handle = await open(target, ...rest)
      if (String(target) !== file || !failing) return handle
      const read = handle.read.bind(handle) as (...args: unknown[]) => Promise<unknown>
      let reads = 0
      ;(handle as unknown as { read: (...args: unknown[]) => Promise<unknown> }).read = async (...args: unknown[]) => {
        if (++reads === 2) throw Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' })
        return read(...args)
      }
      return handle
    })
    const errors: ErrorEvent[] = []
    const client = await EHTInfluxDBClient.fromConfig(config, { stderr: new CaptureSink(), onError: (event) => errors.push(event) })
    try {
      await waitFor(async () => (await servers.vm.countSamples('{__name__="read_breaks_value"}')) === 40, 'the lines read before the error to be delivered', 15_000)
      await waitFor(() => errors.some((e) => SpoolDrainError.isInstance(e.error)), 'the read error to be reported', 15_000)
      expect(fs.existsSync(file)).toBe(true)
      expect(errors.find((e) => SpoolDrainError.isInstance(e.error))!.reason).toMatch(/^cannot read spool file .*spool-20260101T000000000Z-1-0\.lp of server "cloud": .*EIO: i\/o error, read/)
      expect(errors.filter((e) => /line \d+: reading stopped/.test(e.reason))).toEqual([])
      // Readable again: the next pass finds every line delivered (its progress was saved) and removes the file.
      failing = false
      await client.flush()
      await waitFor(() => !fs.existsSync(file), 'the file to be drained once it can be read', 20_000)
      expect(await servers.vm.countSamples('{__name__="read_breaks_value"}')).toBe(40)
    } finally {
      await client.close()
    }
  })

  it('lists the spool folder a few times per pass, not twice per file (thousands of files made a drain O(n²))', async () => {
    const dir = tempDir()
    const config = makeConfig(dir, { servers: [{ name: 'cloud', url: servers.proxy.url, api: 'v2', keys: { token: 'not-checked' } }] })
    const folder = serverSpoolDir(config.spool.dir, 'cloud')
    fs.mkdirSync(folder, { recursive: true })
    const files = 60
    for (let i = 0; i < files; i++) fs.writeFileSync(path.join(folder, `spool-20260101T000000000Z-1-${String(i).padStart(3, '0')}.lp`), spoolText('many_files', 2, 1618400000000000000n + BigInt(i) * 10_000_000_000n))
    // A half-written progress file left by a drainer that was killed: still removed.
    const temp = path.join(folder, 'spool-20260101T000000000Z-1-007.lp.progress.5b1c7d1e.tmp')
    fs.writeFileSync(temp, '{"off')
    const readdir = vi.spyOn(fs.promises, 'readdir')
    const client = await EHTInfluxDBClient.fromConfig(config, { stderr: new CaptureSink() })
    try {
      await waitFor(async () => (await servers.vm.countSamples('{__name__="many_files_value"}')) === 2 * files, 'every file to be delivered', 30_000)
      await waitFor(() => fs.readdirSync(folder).length === 0, 'the delivered files to be deleted', 30_000)
    } finally {
      await client.close()
    }
    const ofFolder = readdir.mock.calls.filter(([target]) => String(target) === folder).length
    expect(ofFolder).toBeLessThan(20)
  })
})
