// `replay` run as the built command against InfluxDB 1.x (v1) and
// VictoriaMetrics (v2): success, --json, dry run, progress lines, exit codes,
// and Ctrl-C followed by a resumed replay that leaves nothing missing.
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { useRealServers } from '../../test/real-servers.js'
import { parseJsonOutput, runCli } from '../../test/run-cli.js'
import { station, stationPoints, type Station, type TestServer } from '../../test/station-config.js'

const real = useRealServers()

function withLogfile(name: string, text: string, stationServers: TestServer[] = real.servers): Station & { file: string } {
  const s = station(stationServers)
  const file = path.join(s.dir, name)
  fs.writeFileSync(file, text)
  return { ...s, file }
}

/** Distinct timestamps VictoriaMetrics holds for a metric, and its samples (duplicates counted). */
async function victoriaCounts(metric: string): Promise<{ distinct: number; samples: number }> {
  const series = await real.victoria.export(metric)
  return { distinct: new Set(series.flatMap((s) => s.timestamps)).size, samples: series.reduce((n, s) => n + s.values.length, 0) }
}

describe('replay into every server', () => {
  it('a logfile into both servers: exit 0, the summary, --json on a second run finds everything checkpointed', async () => {
    const s = withLogfile('day.lp', stationPoints(2500, 'rp_ok'))
    const run = await runCli(['replay', 'day.lp'], { cwd: s.dir })
    expect(run.code, run.stderr).toBe(0)
    expect(run.stderr.trim().split('\n').at(-1)).toMatch(/^replay: 2,500 points read from 1 file \([\d.]+ kB\) in .*; server local: 2,500 delivered; server cloud: 2,500 delivered; no bad lines$/)
    expect(await real.influx.countPoints('rp_ok')).toBe(2500)
    expect(await real.victoria.countSamples('rp_ok_seq')).toBe(2500)
    const again = parseJsonOutput(await runCli(['replay', 'day.lp', '--json'], { cwd: s.dir }))
    expect(again).toMatchObject({ command: 'replay', ok: true, exitCode: 0, files: 1, read: 2500, badLines: 0, dryRun: false, interrupted: false })
    expect(again.servers).toMatchObject({ local: { alreadyDone: 2500, accepted: 0 }, cloud: { alreadyDone: 2500, accepted: 0 } })
    expect(await real.victoria.countSamples('rp_ok_seq')).toBe(2500)
  })

  it('--server, --measurement, --since, --until select what is sent; --no-resume sends it again', async () => {
    const s = withLogfile('mixed.lp', stationPoints(100, 'rp_sel') + stationPoints(100, 'rp_other'))
    const run = await runCli(['replay', s.file, '--server', 'local', '--measurement', 'rp_sel', '--since', '2021-04-06T01:29:19.204824064Z', '--until', '1617672579204824064'], { cwd: s.dir })
    expect(run.code, run.stderr).toBe(0)
    expect(run.stderr).toContain('replay: 20 points read from 1 file')
    expect(run.stderr).not.toContain('server cloud')
    expect(await real.influx.countPoints('rp_sel')).toBe(20)
    expect(await real.influx.countPoints('rp_other')).toBe(0)
    const over = await runCli(['replay', s.file, '--server', 'local', '--measurement', 'rp_sel', '--since', '2021-04-06T01:29:19.204824064Z', '--until', '1617672579204824064', '--no-resume'], { cwd: s.dir })
    expect(over.stderr).toContain('server local: 20 delivered;')
  })

  it('--dry-run prints the line protocol and sends nothing; with --json it only counts', async () => {
    const s = withLogfile('dry.jsonl', '')
    fs.writeFileSync(s.file, '{"time":"1617672549204824064","measurement":"rp_dry","tags":{"station":"Kp"},"fields":{"v":{"i":"3"}}}\n')
    const run = await runCli(['replay', 'dry.jsonl', '--dry-run'], { cwd: s.dir })
    expect([run.code, run.stdout]).toEqual([0, 'rp_dry,station=Kp v=3i 1617672549204824064\n'])
    expect(run.stderr).toContain('replay (dry run): 1 point read from 1 file')
    const json = await runCli(['replay', 'dry.jsonl', '--dry-run', '--json'], { cwd: s.dir })
    expect(parseJsonOutput(json)).toMatchObject({ dryRun: true, printed: 1, servers: {} })
    expect(await real.influx.countPoints('rp_dry')).toBe(0)
  })

  it('bad lines: file:line on stderr, the rest sent, exit 1', async () => {
    const s = withLogfile('bad.lp', `${stationPoints(2, 'rp_bad')}not line protocol\n${stationPoints(1, 'rp_bad', 1617672600000000000n)}`)
    const run = await runCli(['replay', 'bad.lp', '--server', 'local'], { cwd: s.dir })
    expect(run.code).toBe(1)
    expect(run.stderr).toContain(`warning: ${s.file}:3:`)
    expect(run.stderr).toMatch(/replay: 3 points read .*; 1 bad line skipped/)
    expect(await real.influx.countPoints('rp_bad')).toBe(3)
  })

  it('plain progress lines when stderr is not a terminal (rate-limited replay)', async () => {
    const s = withLogfile('slow.lp', stationPoints(3000, 'rp_slow'))
    const run = await runCli(['replay', 'slow.lp', '--server', 'cloud', '--rate-limit', '3000/s,10MB/s'], { cwd: s.dir, env: { EHT_CLI_PROGRESS_INTERVAL_MS: '0' } })
    expect(run.code, run.stderr).toBe(0)
    const lines = run.stderr.trim().split('\n')
    expect(lines.filter((l) => /^replay: [\d.]+ k?B of [\d.]+ kB \(\d+%\), [\d,]+ points, [\d.]+ [kM]?B\/s/.test(l)).length).toBeGreaterThanOrEqual(2)
    expect(lines.at(-1)).toMatch(/^replay: 3,000 points read/)
    expect(run.stderr).not.toMatch(/\u001b\[/)
  })

  it.each([
    [['replay', 'nowhere/*.jsonl'], 2, 'no logfile matches'],
    [['replay', 'day.lp', '--rate-limit', 'fast'], 2, '--rate-limit "fast"'],
    [['replay', 'day.lp', '--since', 'yesterday'], 2, '--since "yesterday" is not a time'],
    [['replay', 'day.lp', '--since', '1796697000', '--dry-run'], 2, '--since "1796697000" looks like seconds since 1970 (2026-12-08T02:30:00Z), but an integer is read as nanoseconds (1970-01-01T00:00:01.796697Z); write 2026-12-08T02:30:00Z or 1796697000000000000'],
    [['replay', 'day.lp', '--until', '1796697000000', '--dry-run'], 2, '--until "1796697000000" looks like milliseconds since 1970'],
    [['replay', 'day.lp', '--server', 'nope'], 2, '--server nope: no such server in'],
    [['replay', 'day.lp', '--server', 'LOCAL'], 2, '--server LOCAL: no such server in'],
  ])('%j: exit %i', async (args, code, message) => {
    const s = withLogfile('day.lp', stationPoints(1, 'rp_usage'))
    const run = await runCli(args, { cwd: s.dir })
    expect([run.code, run.stderr]).toEqual([code, expect.stringContaining(message)])
  })

  it('no configuration: no server to replay into, exit 2', async () => {
    const run = await runCli(['replay', path.join(withLogfile('x.lp', stationPoints(1)).file)])
    expect([run.code, run.stderr]).toEqual([2, expect.stringContaining('no enabled server')])
  })
})

describe('replay and Ctrl-C', () => {
  it('SIGINT stops cleanly (exit 130, checkpointed); the same command again sends the rest: nothing missing, nothing twice', async () => {
    const total = 30_000
    const s = withLogfile('long.lp', stationPoints(total, 'rp_int'))
    const args = ['replay', 'long.lp', '--rate-limit', '10000/s']
    let sent = false
    const first = await runCli(args, {
      cwd: s.dir,
      env: { EHT_CLI_PROGRESS_INTERVAL_MS: '0' },
      onSpawn(child) {
        let stderr = ''
        child.stderr!.on('data', (chunk: Buffer) => {
          stderr += chunk.toString()
          if (!sent && /replay: .* [1-9][\d,]* points,/.test(stderr)) {
            sent = true
            child.kill('SIGINT')
          }
        })
      },
    })
    expect(first.code, first.stderr).toBe(130)
    expect(first.stderr).toContain('interrupted (Ctrl-C): stopping cleanly')
    expect(first.stderr).toContain('error: interrupted (Ctrl-C): what the servers accepted is checkpointed')
    const inInflux = await real.influx.countPoints('rp_int')
    expect(inInflux).toBeGreaterThan(0)
    expect(inInflux).toBeLessThan(total)
    expect(fs.readdirSync(`${s.spoolDir}-replay-checkpoints`)).toHaveLength(2)

    const second = await runCli([...args, '--json'], { cwd: s.dir })
    expect(second.code, second.stderr).toBe(0)
    const summary = parseJsonOutput(second).servers as Record<string, { alreadyDone: number; accepted: number }>
    expect(summary.local!.alreadyDone + summary.local!.accepted).toBe(total)
    expect(summary.local!.alreadyDone).toBe(inInflux)
    expect(await real.influx.countPoints('rp_int')).toBe(total)
    expect(await victoriaCounts('rp_int_seq')).toEqual({ distinct: total, samples: total })
  })
})
