import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { listSpool } from './delivery.js'
import { closedPort, makeConfig, readAll, tempDir, writeConfig } from '../test/helpers.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const dist = path.join(here, '..', 'dist', 'index.js')

/** Runs `script` (an ES module) in a child whose stderr pipe the parent closes before the script goes on. */
async function runWithStderrClosed(script: string, cwd: string): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd, stdio: ['pipe', 'pipe', 'pipe'] })
  let stdout = ''
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c))
  // The reader of the child's stderr goes away (`2>&1 | head`, a dead `| logger`); then the child may go on.
  child.stderr.destroy()
  child.stdin.end('go\n')
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve))
  return { code, stdout }
}

describe("a script whose stderr is closed (its reader gone)", () => {
  it("does not die of EPIPE on the writer's report lines: close() seals the spool, every point is kept", async () => {
    if (!fs.existsSync(dist)) throw new Error('the child process imports dist/: run `pnpm --filter @eht-influx-client/writer build` first')
    const dir = tempDir()
    // Refused connections: a retry and a spooling reported on stderr for each batch (`[errors] stderr = every`).
    const spec = { servers: [{ name: 'down', url: `http://127.0.0.1:${await closedPort()}`, api: 'v1' as const }], retry: { max_retries: '2', min_delay: '20ms', max_delay: '20ms' }, errors: { stderr: 'every' as const } }
    const config = makeConfig(dir, spec)
    const file = writeConfig(dir, spec)
    const script = `
      import { EHTInfluxDBClient } from ${JSON.stringify(pathToFileURL(dist).href)}
      await new Promise((resolve) => process.stdin.once('data', resolve))
      process.stdin.pause()
      const client = await EHTInfluxDBClient.fromConfigFile(${JSON.stringify(file)})
      const api = client.writeApi()
      for (let i = 0; i < 20; i++) {
        await api.writeRecord('stderr_closed v=' + i + ' ' + (1765000000000000000n + BigInt(i)))
        await api.flush()
      }
      await api.close()
      await client.close()
      console.log(JSON.stringify(client.stats().down))
    `
    const { code, stdout } = await runWithStderrClosed(script, dir)
    expect(code).toBe(0)
    expect(JSON.parse(stdout)).toMatchObject({ written: 20, spooled: 20, dropped: 0 })
    expect(await readAll(path.join(dir, 'log'))).toHaveLength(20)
    const spool = await listSpool(config, { unsealed: true })
    expect(spool.filter((f) => f.unsealed === true)).toEqual([])
    expect(await readAll(spool.map((f) => f.file), 'lp')).toHaveLength(20)
  })

  it("leaves the application's own handling of stderr as it was: its own write to the closed stderr, without a listener of its own, still fails as without the writer", async () => {
    if (!fs.existsSync(dist)) throw new Error('the child process imports dist/: run `pnpm --filter @eht-influx-client/writer build` first')
    const dir = tempDir()
    const spec = { servers: [{ name: 'down', url: `http://127.0.0.1:${await closedPort()}`, api: 'v1' as const }], retry: { max_retries: '1', min_delay: '20ms', max_delay: '20ms' }, errors: { stderr: 'every' as const } }
    const file = writeConfig(dir, spec)
    const script = `
      import { EHTInfluxDBClient } from ${JSON.stringify(pathToFileURL(dist).href)}
      await new Promise((resolve) => process.stdin.once('data', resolve))
      process.stdin.pause()
      const client = await EHTInfluxDBClient.fromConfigFile(${JSON.stringify(file)})
      const api = client.writeApi()
      await api.writeRecord('own v=1 1765000000000000000')
      await api.flush()
      await api.close()
      await client.close()
      await new Promise((resolve) => setTimeout(resolve, 20))
      const listeners = process.stderr.listenerCount('error')
      process.on('uncaughtException', (error) => {
        console.log(JSON.stringify({ listeners, own: error.code }))
        process.exit(0)
      })
      process.stderr.write('a line of the application\\n')
    `
    const { code, stdout } = await runWithStderrClosed(script, dir)
    expect(code).toBe(0)
    // The writer's one-time listener is gone; the application's own write fails with EPIPE, unhandled, as it would have.
    expect(JSON.parse(stdout)).toEqual({ listeners: 0, own: 'EPIPE' })
  })

  it.skipIf(!fs.existsSync('/dev/full'))("does not die of ENOSPC when the stderr option is a file stream on a full disk (/dev/full), which emits its error only after closing the file", async () => {
    if (!fs.existsSync(dist)) throw new Error('the child process imports dist/: run `pnpm --filter @eht-influx-client/writer build` first')
    const dir = tempDir()
    const spec = { servers: [{ name: 'down', url: `http://127.0.0.1:${await closedPort()}`, api: 'v1' as const }], retry: { max_retries: '1', min_delay: '20ms', max_delay: '20ms' }, errors: { stderr: 'every' as const } }
    const config = makeConfig(dir, spec)
    const file = writeConfig(dir, spec)
    const script = `
      import fs from 'node:fs'
      import { EHTInfluxDBClient } from ${JSON.stringify(pathToFileURL(dist).href)}
      await new Promise((resolve) => process.stdin.once('data', resolve))
      process.stdin.pause()
      const stderr = fs.createWriteStream('/dev/full')
      const closed = new Promise((resolve) => stderr.once('close', resolve))
      const client = await EHTInfluxDBClient.fromConfigFile(${JSON.stringify(file)}, { stderr })
      const api = client.writeApi()
      for (let i = 0; i < 5; i++) {
        await api.writeRecord('dev_full v=' + i + ' ' + (1765000000000000000n + BigInt(i)))
        await api.flush()
      }
      await api.close()
      await client.close()
      await closed
      console.log(JSON.stringify({ stats: client.stats().down, listeners: stderr.listenerCount('error') }))
    `
    const { code, stdout } = await runWithStderrClosed(script, dir)
    expect(code).toBe(0)
    const out = JSON.parse(stdout) as { stats: object; listeners: number }
    expect(out.stats).toMatchObject({ written: 5, spooled: 5, dropped: 0 })
    // The writer's listener is gone once the stream has emitted its error and closed.
    expect(out.listeners).toBe(0)
    const spool = await listSpool(config, { unsealed: true })
    expect(spool.filter((f) => f.unsealed === true)).toEqual([])
    expect(await readAll(spool.map((f) => f.file), 'lp')).toHaveLength(5)
  })
})
