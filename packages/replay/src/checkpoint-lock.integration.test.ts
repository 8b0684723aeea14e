// Replays that share a checkpoint folder: two at once on the same checkpoint (real child processes), the
// temporary files a killed process left there, and a replay stopped part way by a checkpoint it cannot write.
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
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
        dead: [`.local-0123456789ab.recent.json.${dead}.8.tmp`, `.local-0123456789ab.json.${dead}.0.tmp`, `.other-aaaaaaaaaaaa.lock.${dead}.5f0c1d2e-1111-4222-8333-944455556666.tmp`],
        live: [`.local-0123456789ab.json.${live.pid}.3.tmp`, `.local-0123456789ab.json.${process.pid}.99999.tmp`],
        other: ['notes.txt', `.local-0123456789ab.json.${dead}.tmp.keep`],
      }
      for (const name of [...names.dead, ...names.live, ...names.other]) fs.writeFileSync(path.join(folder, name), '{')
      expect((await replay({ config, inputs: file })).servers.local).toMatchObject({ accepted: 10 })
      const left = fs.readdirSync(folder)
      for (const name of names.dead) expect(left).not.toContain(name)
      for (const name of [...names.live, ...names.other]) expect(left).toContain(name)
      // The replay's own writes left none.
      expect(left.filter((n) => n.endsWith('.tmp')).sort()).toEqual([...names.live].sort())
    } finally {
      live.kill()
    }
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
