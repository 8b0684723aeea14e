// Replays that share a checkpoint folder: two at once on the same checkpoint (real child processes), the
// temporary files a killed process left there, and a replay stopped part way by a checkpoint it cannot write.
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { threadId, Worker } from 'node:worker_threads'
import type { EHTConfig } from '@eht-influx-client/config'
import { startFaultProxy, startInfluxDB1, type FaultProxy, type InfluxDB1Server } from '@eht-influx-client/test-support'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixtures, lp, removeTempDirs, tempDir, testConfig } from '../test/support.js'
import { checkpointDir, checkpointFile } from './checkpoint-store.js'
import { CheckpointError } from './errors.js'
import { replay, type ReplaySummary } from './replay.js'

let influx: InfluxDB1Server
let proxy: FaultProxy
/** Each write is held this long, so that a replay of a few thousand points lasts a while. */
let writeDelayMs = 0

beforeAll(async () => {
  influx = await startInfluxDB1({ database: 'replay_test' })
  proxy = await startFaultProxy({ target: influx.url, script: (r) => (r.url.includes('/write') && writeDelayMs > 0 ? { kind: 'delay', ms: writeDelayMs } : { kind: 'pass' }) })
})
afterAll(async () => {
  await proxy?.stop()
  await influx?.stop()
  removeTempDirs()
})

function runChild(configFile: string, ...inputs: string[]): { pid: number; exited: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, [path.join(fixtures, 'replay-child.mjs'), configFile, ...inputs], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
  return { pid: child.pid!, exited: new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr }))) }
}

async function waitFor(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/** The pid of a process that has ended. */
function deadPid(): number {
  const done = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' })
  return Number(done.stdout)
}

describe('two replays of the same checkpoint at once', () => {
  it('the second is refused, naming the first process; the next replay sends nothing of what the first replayed again', async () => {
    const dir = tempDir()
    const config = testConfig(dir, [{ name: 'local', url: proxy.url, api: 'v1', extra: ['batch_size = 100'] }])
    const configFile = path.join(dir, 'config.ini')
    const [f1, f2] = ['f1', 'f2'].map((name) => {
      const file = path.join(dir, `${name}.lp`)
      fs.writeFileSync(file, `${lp(`lock_${name}`, 3000).join('\n')}\n`)
      return file
    }) as [string, string]
    writeDelayMs = 100
    try {
      const first = runChild(configFile, f1)
      // The first one is sending (its batches are held by the proxy) when the second starts.
      await waitFor(() => proxy.stats().inFlight > 0)
      const second = runChild(configFile, f2)
      const [one, two] = await Promise.all([first.exited, second.exited])
      expect(one).toMatchObject({ code: 0 })
      expect(two.code).not.toBe(0)
      expect(two.stderr).toContain(`is in use by process ${first.pid}`)
      expect(two.stderr).toContain(checkpointFile(checkpointDir(config), { server: config.servers.find((s) => s.name === 'local')! }))
    } finally {
      writeDelayMs = 0
    }
    // Both files: what the first replayed is in the checkpoint (not overwritten), only f2 is sent.
    const both = await replay({ config, inputs: [f1, f2] })
    expect(both.servers.local).toMatchObject({ alreadyDone: 3000, sent: 3000, accepted: 3000 })
    // The lock went with the replays that held it.
    expect(fs.readdirSync(checkpointDir(config)).filter((n) => n.endsWith('.lock'))).toEqual([])
  })

  it('also within one process: the second replay is refused with a CheckpointError, and the first goes on', async () => {
    const dir = tempDir()
    const config = testConfig(dir, [{ name: 'local', url: proxy.url, api: 'v1', extra: ['batch_size = 100'] }])
    const file = path.join(dir, 'a.lp')
    fs.writeFileSync(file, `${lp('lock_inproc', 1000).join('\n')}\n`)
    writeDelayMs = 50
    try {
      const first = replay({ config, inputs: file })
      await waitFor(() => fs.existsSync(checkpointDir(config)) && fs.readdirSync(checkpointDir(config)).some((n) => n.endsWith('.lock')))
      const error = await replay({ config, inputs: file }).catch((e: unknown) => e)
      expect(CheckpointError.isInstance(error)).toBe(true)
      expect((error as Error).message).toMatch(/is in use by another replay in this process/)
      expect((await first).servers.local).toMatchObject({ sent: 1000, accepted: 1000 })
    } finally {
      writeDelayMs = 0
    }
    expect((await replay({ config, inputs: file })).servers.local).toMatchObject({ alreadyDone: 1000, sent: 0 })
  })

  /** A replay in a worker thread of this process (the package as built: a copy of its own); resolves with what it posts. */
  function runWorker(configFile: string, ...inputs: string[]): { worker: Worker; done: Promise<{ servers?: ReplaySummary['servers']; error?: { name: string; message: string } }> } {
    const worker = new Worker(path.join(fixtures, 'replay-worker.mjs'), { workerData: { configFile, inputs } })
    const done = new Promise<{ servers?: ReplaySummary['servers']; error?: { name: string; message: string } }>((resolve, reject) => {
      worker.once('message', resolve)
      worker.once('error', reject)
    }).finally(() => worker.terminate())
    return { worker, done }
  }

  /** Two files of `n` points each in `dir`. */
  function twoFiles(dir: string, measurement: string, n: number): [string, string] {
    return ['f1', 'f2'].map((name) => {
      const file = path.join(dir, `${name}.lp`)
      fs.writeFileSync(file, `${lp(`${measurement}_${name}`, n).join('\n')}\n`)
      return file
    }) as [string, string]
  }

  const locked = (config: EHTConfig) => fs.existsSync(checkpointDir(config)) && fs.readdirSync(checkpointDir(config)).some((n) => n.endsWith('.lock'))

  it('also across the threads of one process: a replay in a worker thread holds the checkpoint against one of the main thread', async () => {
    const dir = tempDir()
    const config = testConfig(dir, [{ name: 'local', url: proxy.url, api: 'v1', extra: ['batch_size = 100'] }])
    const [f1, f2] = twoFiles(dir, 'lock_worker', 3000)
    writeDelayMs = 100
    try {
      const first = runWorker(path.join(dir, 'config.ini'), f1)
      await waitFor(() => locked(config) && proxy.stats().inFlight > 0)
      const error = await replay({ config, inputs: f2 }).catch((e: unknown) => e)
      expect(CheckpointError.isInstance(error)).toBe(true)
      expect((error as Error).message).toContain(`is in use by another replay in this process (worker thread ${first.worker.threadId})`)
      expect((await first.done).servers?.local).toMatchObject({ sent: 3000, accepted: 3000 })
    } finally {
      writeDelayMs = 0
    }
    // The worker's checkpoint was not overwritten: only f2 is sent.
    expect((await replay({ config, inputs: [f1, f2] })).servers.local).toMatchObject({ alreadyDone: 3000, sent: 3000, accepted: 3000 })
  })

  it('and the other way: a replay in a worker thread is refused while the main thread holds the checkpoint', async () => {
    const dir = tempDir()
    const config = testConfig(dir, [{ name: 'local', url: proxy.url, api: 'v1', extra: ['batch_size = 100'] }])
    const [f1, f2] = twoFiles(dir, 'lock_main', 3000)
    writeDelayMs = 100
    try {
      const first = replay({ config, inputs: f1 })
      await waitFor(() => locked(config) && proxy.stats().inFlight > 0)
      const second = await runWorker(path.join(dir, 'config.ini'), f2).done
      expect(second.error?.name).toBe('CheckpointError')
      expect(second.error?.message).toContain(`is in use by another replay in this process (${threadId === 0 ? 'the main thread' : `worker thread ${threadId}`})`)
      expect((await first).servers.local).toMatchObject({ sent: 3000, accepted: 3000 })
    } finally {
      writeDelayMs = 0
    }
    expect((await replay({ config, inputs: [f1, f2] })).servers.local).toMatchObject({ alreadyDone: 3000, sent: 3000, accepted: 3000 })
  })

  it('and between two copies of the package in one thread', async () => {
    const dir = tempDir()
    const config = testConfig(dir, [{ name: 'local', url: proxy.url, api: 'v1', extra: ['batch_size = 100'] }])
    const [f1, f2] = twoFiles(dir, 'lock_copy', 1000)
    // The package as built: another module instance than this test's (the sources).
    const copy = (await import(pathToFileURL(path.join(fixtures, '../../dist/index.js')).href)) as { replay: typeof replay }
    expect(copy.replay).not.toBe(replay)
    writeDelayMs = 50
    try {
      const first = replay({ config, inputs: f1 })
      await waitFor(() => locked(config))
      const error = await copy.replay({ config, inputs: f2 }).catch((e: unknown) => e)
      expect((error as Error).name).toBe('CheckpointError')
      expect((error as Error).message).toContain('is in use by another replay in this process (this thread)')
      expect((await first).servers.local).toMatchObject({ sent: 1000, accepted: 1000 })
    } finally {
      writeDelayMs = 0
    }
  })

  it('takes over a lock left by a process that is gone', async () => {
    const dir = tempDir()
    const config = testConfig(dir, [{ name: 'local', url: proxy.url, api: 'v1' }])
    const file = path.join(dir, 'a.lp')
    fs.writeFileSync(file, `${lp('lock_stale', 10).join('\n')}\n`)
    const lock = checkpointFile(checkpointDir(config), { server: config.servers.find((s) => s.name === 'local')! }).replace(/\.json$/, '.lock')
    fs.mkdirSync(path.dirname(lock), { recursive: true })
    fs.writeFileSync(lock, `${deadPid()} 0b7c3c5e-dead - - -\n`)
    expect((await replay({ config, inputs: file })).servers.local).toMatchObject({ sent: 10, accepted: 10 })
    expect(fs.existsSync(lock)).toBe(false)
  })
})

describe('temporary files left in the checkpoint folder', () => {
  it('are removed at the start of a replay when their process is gone; never those of a live process', async () => {
    const dir = tempDir()
    const config = testConfig(dir, [{ name: 'local', url: proxy.url, api: 'v1' }])
    const file = path.join(dir, 'a.lp')
    fs.writeFileSync(file, `${lp('temps', 10).join('\n')}\n`)
    const folder = checkpointDir(config)
    fs.mkdirSync(folder, { recursive: true })
    const dead = deadPid()
    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' })
    try {
      const names = {
        dead: [
          `.local-0123456789ab.recent.json.${dead}.8.tmp`,
          `.local-0123456789ab.json.${dead}.0.tmp`,
          `.other-aaaaaaaaaaaa.lock.${dead}.5f0c1d2e-1111-4222-8333-944455556666.tmp`,
          // A stale lock taken aside by a replay killed before it removed it.
          `other-aaaaaaaaaaaa.lock.${dead}.7a0c1d2e-1111-4222-8333-944455556666.stale`,
        ],
        live: [`.local-0123456789ab.json.${live.pid}.3.tmp`, `.local-0123456789ab.json.${process.pid}.99999.tmp`, `other-aaaaaaaaaaaa.lock.${live.pid}.8b0c1d2e-1111-4222-8333-944455556666.stale`],
        other: ['notes.txt', `.local-0123456789ab.json.${dead}.tmp.keep`],
      }
      for (const name of [...names.dead, ...names.live, ...names.other]) fs.writeFileSync(path.join(folder, name), '{')
      // One that cannot be removed (a folder by that name) is passed over with a warning; the replay runs.
      const stuck = `.local-0123456789ab.json.${dead}.7.tmp`
      fs.mkdirSync(path.join(folder, stuck, 'inside'), { recursive: true })
      const summary = await replay({ config, inputs: file })
      expect(summary.servers.local).toMatchObject({ accepted: 10 })
      expect(summary.warnings).toEqual([expect.stringContaining(`cannot remove ${path.join(folder, stuck)}, left in the checkpoint folder by process ${dead}, which has ended`)])
      const left = fs.readdirSync(folder)
      for (const name of names.dead) expect(left).not.toContain(name)
      for (const name of [...names.live, ...names.other, stuck]) expect(left).toContain(name)
      // The replay's own writes left none.
      expect(left.filter((n) => n.endsWith('.tmp') || n.endsWith('.stale')).sort()).toEqual([...names.live, stuck].sort())
    } finally {
      live.kill()
    }
  })
})

describe('a replay whose reading fails part way', () => {
  it('writes its last checkpoint before it lets go of the lock, and nothing after', async () => {
    const dir = tempDir()
    const config = testConfig(dir, [{ name: 'local', url: proxy.url, api: 'v1', extra: ['batch_size = 10'] }])
    const a = path.join(dir, 'a.lp')
    const b = path.join(dir, 'b.lp')
    const aLines = lp('readfail_a', 10)
    fs.writeFileSync(a, `${aLines.join('\n')}\nnot line protocol\n`)
    fs.writeFileSync(b, `${lp('readfail_b', 5, 100_000).join('\n')}\n`)
    const folder = checkpointDir(config)
    const target = checkpointFile(folder, { server: config.servers.find((s) => s.name === 'local')! })
    writeDelayMs = 100
    let error: unknown
    try {
      // a's chunk is in flight when b, deleted meanwhile, cannot be opened.
      error = await replay({ config, inputs: [a, b], onBadLine: () => fs.rmSync(b) }).catch((e: unknown) => e)
    } finally {
      writeDelayMs = 0
    }
    expect((error as Error).name).toBe('LogReadError')
    expect((error as Error).message).toContain(b)
    expect((error as { summary?: ReplaySummary }).summary?.servers.local).toMatchObject({ sent: 10, accepted: 10 })
    // When the replay rejects, a's checkpoint is on disk (durably), and the lock is gone.
    const files = () => Object.fromEntries(fs.readdirSync(folder).map((n) => [n, fs.readFileSync(path.join(folder, n), 'utf8')]))
    const atEnd = files()
    expect(Object.keys(atEnd)).toEqual([path.basename(target)])
    expect((JSON.parse(atEnd[path.basename(target)]!) as { files: Record<string, unknown> }).files[a]).toMatchObject({ offset: Buffer.byteLength(`${aLines.join('\n')}\n`), line: 10 })
    // No write comes later (the save SAVE_DELAY_MS after a settled chunk was cancelled).
    await new Promise((resolve) => setTimeout(resolve, 800))
    expect(files()).toEqual(atEnd)
    expect((await replay({ config, inputs: a })).servers.local).toMatchObject({ alreadyDone: 10, sent: 0 })
  })
})

describe('a replay stopped by a checkpoint it cannot write', () => {
  it('throws the CheckpointError with the summary of what was done up to then', async () => {
    const dir = tempDir()
    const config = testConfig(dir, [{ name: 'local', url: proxy.url, api: 'v1', extra: ['batch_size = 100'] }])
    const file = path.join(dir, 'a.lp')
    fs.writeFileSync(file, `${lp('cpfail', 2000).join('\n')}\n`)
    const target = checkpointFile(checkpointDir(config), { server: config.servers.find((s) => s.name === 'local')! })
    let blocked = false
    // Once it runs, the checkpoint file's name is taken by a folder: every durable write (the last one at least) fails.
    const block = () => {
      if (blocked) return
      blocked = true
      fs.rmSync(target, { force: true })
      fs.mkdirSync(path.join(target, 'in-the-way'), { recursive: true })
    }
    writeDelayMs = 20
    let error: unknown
    try {
      error = await replay({ config, inputs: file, rateLimit: { pointsPerSecond: 4000 }, onProgress: block }).catch((e: unknown) => e)
    } finally {
      writeDelayMs = 0
    }
    expect(blocked).toBe(true)
    expect(CheckpointError.isInstance(error)).toBe(true)
    expect((error as Error).message).toContain(`cannot write checkpoint file ${target}`)
    const summary = (error as { summary?: ReplaySummary }).summary
    expect(summary).toBeDefined()
    expect(summary!.stoppedEarly).toBe(true)
    const local = summary!.servers.local!
    expect(local.sent).toBeGreaterThan(0)
    expect(local.accepted).toBe(proxy.acknowledgedBodies.join('\n').split('\n').filter((l) => l.startsWith('cpfail,')).length)
    expect(local.accepted).toBeGreaterThan(0)
    // The summary is not printed with the error.
    expect(Object.keys(error as object)).not.toContain('summary')
    // The lock was let go: the next replay (the folder removed) runs.
    fs.rmSync(target, { recursive: true })
    const next = (await replay({ config, inputs: file })).servers.local!
    expect(next.alreadyDone + next.sent).toBe(2000)
  })
})
