// The report lines of a replay (bad lines with `[errors] stderr = every`, the
// summary line) go to `stderr` (process.stderr by default): a stderr whose
// reader is gone (`2>&1 | head`, a dead `| logger`) or a caller's sink that
// throws or rejects must not stop the replay, leave its checkpoint locked,
// nor become an unhandled rejection. The lines are dropped instead.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { EHTConfig } from '@eht-influx-client/config'
import { startInfluxDB1, type InfluxDB1Server } from '@eht-influx-client/test-support'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { removeTempDirs, tempDir, testConfig } from '../test/support.js'
import { checkpointDir } from './checkpoint-store.js'
import { replay } from './replay.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const packageDir = path.join(here, '..')
const dist = path.join(packageDir, 'dist', 'index.js')

let influx: InfluxDB1Server

beforeAll(async () => {
  influx = await startInfluxDB1({ database: 'replay_test' })
})
afterAll(async () => {
  await influx?.stop()
  removeTempDirs()
})

/** A logfile of `n` lines, every other one bad (a seconds timestamp where ns are expected is fine; `x` is not). */
function logWithBadLines(file: string, measurement: string, n: number): number {
  const lines = Array.from({ length: n }, (_, i) => (i % 2 === 1 ? `${measurement} v=${i}i not-a-time` : `${measurement} v=${i}i ${1617672549204824064n + BigInt(i)}`))
  fs.writeFileSync(file, `${lines.join('\n')}\n`)
  return Math.ceil(n / 2)
}

const countIn = (measurement: string) => influx.countPoints(measurement, 'replay_test')

function locksLeft(config: EHTConfig): string[] {
  const folder = checkpointDir(config)
  return fs.existsSync(folder) ? fs.readdirSync(folder).filter((f) => f.endsWith('.lock')) : []
}

describe('a replay whose report lines cannot be written', () => {
  it.each([
    ['throws', 'every'],
    ['throws', 'summary'],
    ['rejects', 'every'],
    ['rejects', 'summary'],
  ] as const)('a stderr sink whose write %s (stderr = %s): the replay ends as usual, every point sent, no unhandled rejection', async (how, stderr) => {
    const dir = tempDir()
    const measurement = `sink_${how}_${stderr}`
    const file = path.join(dir, 'in.lp')
    const good = logWithBadLines(file, measurement, 40)
    const config = testConfig(dir, [{ name: 'local', url: influx.url, api: 'v1' }], { stderr })
    let calls = 0
    const sink = {
      write: how === 'throws'
        ? () => {
            calls++
            throw new Error('sink broken')
          }
        : async () => {
            calls++
            throw new Error('sink broken')
          },
    }
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown) => unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)
    try {
      const summary = await replay({ config, inputs: file, stderr: sink })
      // Let a rejection of the sink's promise surface, had it been left unhandled.
      await new Promise((resolve) => setTimeout(resolve, 50))
      expect(summary.read).toBe(good)
      expect(summary.badLines).toBe(40 - good)
      expect(summary.servers.local).toMatchObject({ sent: good, accepted: good })
      expect(calls).toBeGreaterThan(0)
      expect(unhandled).toEqual([])
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
    expect(await countIn(measurement)).toBe(good)
    expect(locksLeft(config)).toEqual([])
    // The checkpoint was written: a second replay sends nothing again.
    expect((await replay({ config, inputs: file, stderr: sink })).servers.local).toMatchObject({ alreadyDone: good, sent: 0 })
  })

  it('the default process.stderr, its reader gone (a closed pipe): the replay does not die of EPIPE, it ends and lets go of its checkpoint', async () => {
    if (!fs.existsSync(dist)) throw new Error('the child process imports dist/: run `pnpm --filter @eht-influx-client/replay build` first')
    const dir = tempDir()
    const measurement = 'stderr_closed'
    const file = path.join(dir, 'in.lp')
    const good = logWithBadLines(file, measurement, 2000)
    const config = testConfig(dir, [{ name: 'local', url: influx.url, api: 'v1' }], { stderr: 'every' })
    const script = `
      import { loadConfig } from '@eht-influx-client/config'
      import { replay } from ${JSON.stringify(pathToFileURL(dist).href)}
      await new Promise((resolve) => process.stdin.once('data', resolve))
      process.stdin.pause()
      const config = await loadConfig(${JSON.stringify(path.join(dir, 'config.ini'))})
      const summary = await replay({ config, inputs: ${JSON.stringify(file)} })
      console.log(JSON.stringify({ read: summary.read, badLines: summary.badLines, accepted: summary.servers.local.accepted }))
    `
    // The child resolves @eht-influx-client/config from this package's folder.
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: packageDir, stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c))
    // The reader of the child's stderr goes away before the replay reports its first bad line.
    child.stderr.destroy()
    child.stdin.end('go\n')
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve))
    expect(code).toBe(0)
    expect(JSON.parse(stdout)).toEqual({ read: good, badLines: 2000 - good, accepted: good })
    expect(await countIn(measurement)).toBe(good)
    expect(locksLeft(config)).toEqual([])
  })
})
