import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { freePort } from '@eht-influx-client/test-support'
import { openDelivery } from './delivery.js'
import { CaptureSink, makeConfig, tempDir, writeConfig } from '../test/helpers.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const dist = path.join(here, '..', 'dist', 'index.js')

describe('drainSpool() in a script whose server is down', () => {
  it('keeps the process alive through the retries and returns the outcome (it used to exit with code 13 mid-pass)', async () => {
    if (!fs.existsSync(dist)) throw new Error('the child process imports dist/: run `pnpm --filter @eht-influx-client/writer build` first')
    const dir = tempDir()
    const spec = { servers: [{ name: 'down', url: `http://127.0.0.1:${await freePort()}`, api: 'v1' as const }], retry: { max_retries: '2', min_delay: '100ms', max_delay: '100ms' }, errors: { stderr: 'off' as const } }
    // One point in the spool, as a client that met the server down leaves it.
    const writer = await openDelivery(makeConfig(dir, spec), { drainSpool: false, stderr: new CaptureSink() })
    writer.enqueue(['m v=1 1617672549204824064'])
    await writer.close()
    const file = writeConfig(dir, spec)
    const config = pathToFileURL(resolvedFile('@eht-influx-client/config')).href
    const script = `
      import { loadConfig } from ${JSON.stringify(config)}
      import { openDelivery } from ${JSON.stringify(pathToFileURL(dist).href)}
      const delivery = await openDelivery(await loadConfig(${JSON.stringify(file)}), { drainSpool: false })
      const [outcome] = await delivery.drainSpool()
      await delivery.close()
      console.log(JSON.stringify(outcome))
    `
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c))
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve))
    expect(code).toBe(0)
    expect(JSON.parse(stdout)).toMatchObject({ server: 'down', files: 0, remainingFiles: 1, failed: expect.stringContaining('gave up after 2 retries') })
    fs.rmSync(dir, { recursive: true, force: true })
  })
})

function resolvedFile(name: string): string {
  return fileURLToPath(import.meta.resolve(name))
}
