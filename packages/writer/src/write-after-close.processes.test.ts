import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { closedPort, readAll, tempDir, writeConfig } from '../test/helpers.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const dist = path.join(here, '..', 'dist', 'index.js')

async function run(script: string, cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  if (!fs.existsSync(dist)) throw new Error('the child process imports dist/: run `pnpm --filter @eht-influx-client/writer build` first')
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c))
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c))
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve))
  return { code, stdout, stderr }
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => fs.statSync(path.join(dir, f)).isFile())
}

const lostIn = (stderr: string) => stderr.split('\n').reduce((n, line) => n + Number(/ERROR (\d+) points written after close\(\) were not stored/.exec(line)?.[1] ?? 0), 0)

describe('a script whose timer writes without awaiting (fire and forget) while it awaits close(), then calls process.exit()', () => {
  it('does not die of an unhandled ClosedError: close() seals the spool, and every refused point is reported on stderr, also those refused just before the exit', async () => {
    const dir = tempDir()
    const spec = { servers: [{ name: 'down', url: `http://127.0.0.1:${await closedPort()}`, api: 'v1' as const }], retry: { max_retries: '1', min_delay: '20ms', max_delay: '20ms' }, errors: { stderr: 'every' as const } }
    const file = writeConfig(dir, spec)
    const script = `
      import { EHTInfluxDBClient } from ${JSON.stringify(pathToFileURL(dist).href)}
      const client = await EHTInfluxDBClient.fromConfigFile(${JSON.stringify(file)})
      const api = client.writeApi()
      let i = 0
      process.on('exit', () => console.log(JSON.stringify({ i, stats: client.stats().down })))
      setInterval(() => void api.writeRecord('ff v=' + i + ' ' + (1765000000000000000n + BigInt(i++))), 2)
      await new Promise((resolve) => setTimeout(resolve, 100))
      await client.close()
      void api.writeRecords(['ff v=1 1765000000000000000', 'ff v=2 1765000000000000000'])
      process.exit(0)
    `
    const { code, stdout, stderr } = await run(script, dir)
    expect(code).toBe(0)
    const { i, stats } = JSON.parse(stdout) as { i: number; stats: { written: number; spooled: number } }
    const logged = await readAll(path.join(dir, 'log'))
    expect(stats).toMatchObject({ written: logged.length, spooled: logged.length, dropped: 0 })
    expect(filesUnder(dir).filter((f) => /\.(open|tmp)$/.test(f))).toEqual([])
    expect(lostIn(stderr)).toBe(i - logged.length + 2)
    expect(stderr).not.toMatch(/Unhandled|ClosedError:/)
  })

  it('[errors] stderr = summary: the lost points held back after close() are printed when the process exits', async () => {
    const dir = tempDir()
    const file = writeConfig(dir, { errors: { stderr: 'summary' } })
    const script = `
      import { EHTInfluxDBClient } from ${JSON.stringify(pathToFileURL(dist).href)}
      const client = await EHTInfluxDBClient.fromConfigFile(${JSON.stringify(file)})
      const api = client.writeApi()
      await client.close()
      void api.writeRecord('ff v=1 1765000000000000000')
      await new Promise((resolve) => setTimeout(resolve, 20))
      void api.writeRecords(['ff v=2 1765000000000000000', 'ff v=3 1765000000000000000'])
      process.exit(0)
    `
    const { code, stderr } = await run(script, dir)
    expect(code).toBe(0)
    // The first line at once; the next one, within the minute, held back and printed at the exit.
    expect(stderr).toContain('client: ERROR 1 points written after close() were not stored')
    expect(stderr).toContain('client since the last line: 1 errors; last: ERROR 2 points written after close() were not stored')
  })
})
