// SIGTERM (kill, systemd, docker stop) and SIGHUP (the terminal or ssh session
// closed) stop a long command as Ctrl-C does: what was read is logged and sent
// once or spooled, the summary is printed, and the exit code is 128 + the
// signal's number (143, 129). They used to kill `write` at once: the points
// read were only in the logfile, neither sent nor spooled, and nothing said so.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { freePort } from '@eht-influx-client/test-support'
import { afterAll, describe, expect, it } from 'vitest'
import { BIN, cleanEnv, removeTempDirs } from '../test/run-cli.js'
import { logfileLines, station, stationPoints } from '../test/station-config.js'

afterAll(removeTempDirs)

/** Every line of every spool file of `server`. */
function spooled(spoolDir: string, server: string): string[] {
  const dir = path.join(spoolDir, server)
  if (!fs.existsSync(dir)) return []
  return fs
    .readdirSync(dir)
    .filter((name) => /\.lp(\.gz)?$/.test(name))
    .flatMap((name) => fs.readFileSync(path.join(dir, name), 'utf8').split('\n'))
    .filter((line) => line !== '')
}

/**
 * `write --json` reading a pipe that stays open, with both servers down (connection refused, the retry
 * waiting for its delay): once the 3 points are logged and tried, it gets `signal`.
 */
async function writeThenSignal(signal: NodeJS.Signals) {
  const s = station([
    { name: 'local', url: `http://127.0.0.1:${await freePort()}`, api: 'v1' },
    { name: 'cloud', url: `http://127.0.0.1:${await freePort()}`, api: 'v2' },
  ], '[retry]\nmax_retries = 5\nmin_delay = 5s\nmax_retry_time = 1m\n')
  const child = spawn(process.execPath, [BIN, 'write', '--json'], { cwd: s.dir, env: cleanEnv(), stdio: ['pipe', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const closed = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (code, signal) => resolve([code, signal])))
  child.stdin.write(stationPoints(3, 'stop_signal'))
  await expect.poll(() => logfileLines(s.logDir), { timeout: 10_000 }).toHaveLength(3)
  // Both servers were tried and refused: their retries wait 5 s.
  await expect.poll(() => (stderr.match(/retry 1 in/g) ?? []).length, { timeout: 10_000 }).toBe(2)
  child.kill(signal)
  const [code, killedBy] = await closed
  child.stdin.destroy()
  return { s, code, signal: killedBy, stdout, stderr }
}

describe('SIGTERM and SIGHUP stop write cleanly, as Ctrl-C does', () => {
  it.each([
    ['SIGTERM', 143, 'terminated (SIGTERM)'],
    ['SIGHUP', 129, 'hung up (SIGHUP)'],
  ] as const)('%s: the points read are spooled for each server, the summary is printed, exit %i', async (name, exitCode, said) => {
    const { s, code, signal, stdout, stderr } = await writeThenSignal(name)
    expect([code, signal], stderr).toEqual([exitCode, null])
    expect(logfileLines(s.logDir)).toHaveLength(3)
    expect(spooled(s.spoolDir, 'local')).toHaveLength(3)
    expect(spooled(s.spoolDir, 'cloud')).toHaveLength(3)
    expect(stderr).toContain(`${said}: stopping cleanly`)
    expect(stderr).toMatch(/^write: 3 points from stdin .*server local: 0 delivered, 3 spooled .*server cloud: 0 delivered, 3 spooled/m)
    expect(stderr).toContain(`error: ${said}: the points read before it are in the logfile and were sent (or spooled)`)
    expect(JSON.parse(stdout)).toMatchObject({ command: 'write', ok: false, exitCode, interrupted: true, points: 3, servers: { local: { spooled: 3 }, cloud: { spooled: 3 } } })
  }, 30_000)

})
