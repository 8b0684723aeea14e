// `write` run as the built command against real servers: InfluxDB 1.x as a v1
// server and VictoriaMetrics as a v2 server (it names metrics
// `<measurement>_<field>` and keeps ms).
import fs from 'node:fs'
import { freePort } from '@eht-influx-client/test-support'
import { describe, expect, it } from 'vitest'
import { useRealServers } from '../../test/real-servers.js'
import { parseJsonOutput, runCli } from '../../test/run-cli.js'
import { logfileLines, station, stationPoints } from '../../test/station-config.js'

const real = useRealServers()

describe('write to every server', () => {
  it('line protocol on stdin: the logfile first, then both servers; exit 0 and one summary line', async () => {
    const s = station(real.servers)
    const run = await runCli(['write'], { cwd: s.dir, input: stationPoints(120, 'w_stdin') })
    expect(run.code, run.stderr).toBe(0)
    expect(logfileLines(s.logDir)).toHaveLength(120)
    expect(logfileLines(s.logDir)[0]).toBe('{"time":"1617672549204824064","measurement":"w_stdin","tags":{"station":"Kp"},"fields":{"offset_ns":0,"seq":{"i":"0"}}}')
    expect(await real.influx.countPoints('w_stdin')).toBe(120)
    expect(await real.victoria.countSamples('w_stdin_seq')).toBe(120)
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^write: 120 points from stdin \(lp\) to .*eht-influx-log\/eht-\d{4}-\d\d-\d\d\.jsonl; server local: 120 delivered; server cloud: 120 delivered; no bad lines$/),
    ])
  })

  it('--sync --json: one object with what each server did', async () => {
    const s = station(real.servers)
    const run = await runCli(['write', '--sync', '--json'], { cwd: s.dir, input: stationPoints(7, 'w_sync') })
    expect(run.code).toBe(0)
    expect(parseJsonOutput(run)).toMatchObject({
      command: 'write',
      ok: true,
      exitCode: 0,
      input: 'stdin',
      format: 'lp',
      points: 7,
      badLines: 0,
      sync: true,
      servers: { local: { delivered: 7, spooled: 0, rejected: 0, dropped: 0 }, cloud: { delivered: 7, spooled: 0, rejected: 0, dropped: 0 } },
      spoolDir: s.spoolDir,
      errorsFile: s.errorsFile,
    })
    expect(await real.influx.countPoints('w_sync')).toBe(7)
  })

  it('bad lines: stdin:line on stderr, counted, every good point still written, exit 1', async () => {
    const s = station(real.servers)
    const input = `${stationPoints(3, 'w_bad')}this is not line protocol\nw_bad,station=Kp seq=9i 10\n${stationPoints(2, 'w_bad', 1617672600000000000n)}`
    const run = await runCli(['write', '--json'], { cwd: s.dir, input })
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/warning: stdin:4:\d+: bad line skipped: .*"=/)
    expect(run.stderr).toMatch(/warning: stdin:5: bad line skipped: .*timestamp.*1990/)
    expect(run.stderr).not.toMatch(/ERROR point \d/) // the writer's own "point 1 of the call" report is replaced by the line number
    expect(parseJsonOutput(run)).toMatchObject({ ok: false, exitCode: 1, points: 5, badLines: 2, badLineSamples: [{ file: 'stdin', line: 4 }, { file: 'stdin', line: 5 }] })
    expect(await real.influx.countPoints('w_bad')).toBe(5)
    expect(logfileLines(s.logDir)).toHaveLength(5)
  })

  it('--precision s|ms|us: InfluxDB stores the instant meant, and the logfile has it in ns', async () => {
    const s = station(real.servers)
    const input = ['w_prec,station=Kp,unit=s v=1 1617672549', 'w_prec,station=Kp,unit=s v=2 1617672550'].join('\n')
    const run = await runCli(['write', '--precision', 's', '--json'], { cwd: s.dir, input })
    expect(run.code, run.stderr).toBe(0)
    expect(parseJsonOutput(run)).toMatchObject({ ok: true, precision: 's', points: 2, servers: { local: { delivered: 2 } } })
    for (const [precision, digits] of [['ms', '1617672551204'], ['us', '1617672552204824']] as const) {
      const more = await runCli(['write', '--precision', precision], { cwd: s.dir, input: `w_prec,station=Kp,unit=${precision} v=3 ${digits}\n` })
      expect(more.code, more.stderr).toBe(0)
    }
    const answer = await real.influx.query('SELECT v, unit FROM w_prec')
    expect(answer.results[0]?.series?.[0]?.values).toEqual([
      ['2021-04-06T01:29:09Z', 1, 's'],
      ['2021-04-06T01:29:10Z', 2, 's'],
      ['2021-04-06T01:29:11.204Z', 3, 'ms'],
      ['2021-04-06T01:29:12.204824Z', 3, 'us'],
    ])
    expect(logfileLines(s.logDir).map((line) => JSON.parse(line).time)).toEqual(['1617672549000000000', '1617672550000000000', '1617672551204000000', '1617672552204824000'])
  })

  it('seconds without --precision: bad lines whose message names --precision (not the library\'s timestampUnit); nothing 1970 is stored', async () => {
    const s = station(real.servers)
    const run = await runCli(['write'], { cwd: s.dir, input: 'w_noprec,station=Kp v=1 1617672549\nw_noprec,station=Kp v=2 1617672549204\n' })
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('stdin:1: bad line skipped: timestamp 1617672549 (nanoseconds) is outside 1990-2100; this looks like seconds: give --precision s')
    expect(run.stderr).toContain('stdin:2: bad line skipped: timestamp 1617672549204 (nanoseconds) is outside 1990-2100; this looks like milliseconds: give --precision ms')
    expect(run.stderr).not.toContain('timestampUnit')
    expect(await real.influx.countPoints('w_noprec')).toBe(0)
    const help = await runCli(['write', '--help'])
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('--precision <unit> unit of the timestamps of line protocol and JSONL input: s, ms, us or ns (choices: "ns", "us", "ms", "s", default: "ns")')
    const csv = await runCli(['write', '--format', 'csv', '--precision', 's'], { cwd: s.dir, input: '' })
    expect([csv.code, csv.stderr]).toEqual([2, expect.stringContaining('--precision s applies to line protocol and JSONL; CSV times are RFC 3339 or integer nanoseconds')])
  })

  it('a point the server rejects for good is in the errors file and the summary says so: exit 1', async () => {
    await real.influx.write('w_conflict,station=Kp value=1i 1617672549204824064')
    const s = station([real.servers[0]!])
    const run = await runCli(['write'], { cwd: s.dir, input: 'w_conflict,station=Kp value="text" 1617672550204824064\nw_conflict,station=Kp value=2i 1617672551204824064\n' })
    expect(run.code).toBe(1)
    expect(run.stderr).toContain(`server local: 1 delivered, 1 rejected (in ${s.errorsFile})`)
    const errors = fs.readFileSync(s.errorsFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { server: string; line: string })
    expect(errors).toEqual([expect.objectContaining({ server: 'local', line: 'w_conflict,station=Kp value="text" 1617672550204824064' })])
  })

  it('a server that is down: its points are spooled, the other server gets them, exit 1 naming the spool', async () => {
    const s = station([real.servers[0]!, { name: 'gone', url: `http://127.0.0.1:${await freePort()}`, api: 'v2' }])
    const run = await runCli(['write', '--json'], { cwd: s.dir, input: stationPoints(4, 'w_down') })
    expect(run.code).toBe(1)
    expect(parseJsonOutput(run).servers).toEqual({ local: { delivered: 4, spooled: 0, rejected: 0, dropped: 0 }, gone: { delivered: 0, spooled: 4, rejected: 0, dropped: 0 } })
    expect(run.stderr).toContain(`server gone: 0 delivered, 4 spooled in ${s.spoolDir} ('eht-influx-client spool drain' delivers them)`)
    expect(await real.influx.countPoints('w_down')).toBe(4)
    expect(run.stdout + run.stderr).not.toContain('test-token-not-secret')
  })
})
