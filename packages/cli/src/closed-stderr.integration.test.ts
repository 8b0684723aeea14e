// The built command with a stderr whose reader goes away early (`2>&1 | head`,
// a `| logger` that died): the next write to stderr fails with EPIPE, which
// crashed the process mid-command (`write` stopped reading its input, points
// read were neither sent nor spooled; `replay` stopped half way, its lock
// left). Now later stderr text is dropped and the command finishes with its
// own exit code, its --json object on stdout.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { useRealServers } from '../test/real-servers.js'
import { BIN, cleanEnv, tempDir } from '../test/run-cli.js'
import { logfileLines, station, stationPoints } from '../test/station-config.js'

const real = useRealServers()

/** Runs the built command with its stderr read up to the first chunk, then closed; stdout read whole. */
function runWithStderrClosedEarly(args: readonly string[], cwd: string, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
    child.stderr.destroy()
  })
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }))
  })
}

/** The files in `dir` and below. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return []
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => fs.statSync(path.join(dir, f)).isFile())
}

describe('stderr closed early', () => {
  it('write: every line of the input is read, logged and delivered; the --json object and exit code are as with stderr open', async () => {
    const s = station(real.servers)
    // A bad line first: its warning is the first stderr text, the next one (the second bad line, the summary) meets EPIPE.
    const input = path.join(s.dir, 'backlog.lp')
    fs.writeFileSync(input, `bad line here\n${stationPoints(30_000, 'closed_stderr_w')}bad again\n${stationPoints(30_000, 'closed_stderr_w', 1617772549204824064n)}`)
    const run = await runWithStderrClosedEarly(['write', '--file', input, '--json'], s.dir)
    expect([run.code, run.signal], run.stderr).toEqual([1, null])
    expect(run.stderr).toMatch(/^eht-influx-client: warning: .*backlog\.lp:1:\d+: bad line skipped/)
    expect(JSON.parse(run.stdout)).toMatchObject({
      command: 'write',
      exitCode: 1,
      points: 60_000,
      badLines: 2,
      servers: { local: { delivered: 60_000, spooled: 0, rejected: 0, dropped: 0 }, cloud: { delivered: 60_000, spooled: 0, rejected: 0, dropped: 0 } },
    })
    expect(logfileLines(s.logDir)).toHaveLength(60_000)
    expect(await real.influx.countPoints('closed_stderr_w')).toBe(60_000)
    expect(filesUnder(s.spoolDir)).toEqual([])
  }, 120_000)

  it('replay with progress lines: it goes to the end, checkpointed, no lock left, exit 0', async () => {
    const s = station([real.servers[0]!])
    const made = tempDir()
    fs.writeFileSync(path.join(made, 'day.lp'), stationPoints(40_000, 'closed_stderr_r'))
    const logfile = path.join(made, 'day.lp')
    const run = await runWithStderrClosedEarly(['replay', logfile, '--server', 'local', '--rate-limit', '20000/s', '--json'], s.dir, { EHT_CLI_PROGRESS_INTERVAL_MS: '0' })
    expect([run.code, run.signal], run.stderr).toEqual([0, null])
    expect(run.stderr).toMatch(/^replay: /)
    expect(JSON.parse(run.stdout)).toMatchObject({ command: 'replay', exitCode: 0, read: 40_000, interrupted: false, servers: { local: { accepted: 40_000 } } })
    expect(await real.influx.countPoints('closed_stderr_r')).toBe(40_000)
    const checkpoints = filesUnder(`${s.spoolDir}-replay-checkpoints`)
    expect(checkpoints.length).toBeGreaterThan(0)
    expect(checkpoints.filter((f) => /\.lock|recent/.test(f))).toEqual([])
  }, 120_000)
})
