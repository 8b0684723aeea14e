// `spool` and `spool drain` run as the built command: VictoriaMetrics (a v2
// server) goes down while points are written, then comes back.
import { startFaultProxy } from '@eht-influx-client/test-support'
import { beforeAll, describe, expect, it } from 'vitest'
import { useRealServers } from '../../test/real-servers.js'
import { parseJsonOutput, runCli } from '../../test/run-cli.js'
import { station, stationPoints, type Station } from '../../test/station-config.js'

const real = useRealServers()
let s: Station

beforeAll(() => {
  // no retries: a drain while the server is still down ends at once
  s = station(real.servers, '[retry]\nmax_retries = 0\n')
})

describe('spool after a server was down, spool drain once it is back', () => {
  it('runs the whole story', async () => {
    expect((await runCli(['spool'], { cwd: s.dir })).stderr).toContain('spool: empty')

    await real.victoria.halt()
    const written = await runCli(['write'], { cwd: s.dir, input: stationPoints(12_000, 'sp') })
    expect(written.code).toBe(1)
    expect(written.stderr).toContain('server local: 12,000 delivered; server cloud: 0 delivered, 12,000 spooled in')

    const listed = await runCli(['spool'], { cwd: s.dir })
    expect(listed.code).toBe(0)
    expect(listed.stdout).toMatch(new RegExp(`^spool: ${s.spoolDir}\\nserver local: nothing spooled\\nserver cloud: 12,000 points in \\d+ files?, [\\d.]+ kB, oldest point 2021-04-06T01:29:09\\.204824064Z\\n$`))
    expect(listed.stderr).toContain("spool: 12,000 points waiting for cloud; 'eht-influx-client spool drain' delivers them")
    const json = parseJsonOutput(await runCli(['spool', '--json'], { cwd: s.dir }))
    expect(json).toMatchObject({ command: 'spool', ok: true, action: 'list', spoolDir: s.spoolDir, points: 12_000 })
    expect(json.servers).toEqual([
      expect.objectContaining({ server: 'local', points: 0, files: [], oldest: null }),
      expect.objectContaining({ server: 'cloud', enabled: true, points: 12_000, oldestNs: '1617672549204824064', oldest: '2021-04-06T01:29:09.204824064Z', bytes: expect.any(Number) }),
    ])

    const stillDown = await runCli(['spool', 'drain', '--json'], { cwd: s.dir })
    expect(stillDown.code).toBe(1)
    expect(parseJsonOutput(stillDown)).toMatchObject({ action: 'drain', delivered: 0, remaining: 12_000, ok: false })
    expect(stillDown.stderr).toMatch(/spool drain: 0 points delivered; server cloud stopped: .*; 12,000 points \(\d+ files?\) stay in /)

    await real.victoria.restart()
    const drained = await runCli(['spool', 'drain'], { cwd: s.dir, env: { EHT_CLI_PROGRESS_INTERVAL_MS: '0' } })
    expect(drained.code, drained.stderr).toBe(0)
    expect(drained.stderr).toMatch(/^spool drain: [\d,]+ points of 12,000 points \(\d+%\), [\d,]+ points\/s, ETA /m)
    expect(drained.stderr.trim().split('\n').at(-1)).toBe('spool drain: 12,000 points delivered; nothing left in the spool')
    expect(await real.victoria.countSamples('sp_seq')).toBe(12_000)
    expect(await real.influx.countPoints('sp')).toBe(12_000)
    expect((await runCli(['spool'], { cwd: s.dir })).stdout).toContain('server cloud: nothing spooled')
  })

  it('Ctrl-C while a drain waits for the server: exit 130, the points stay in the spool', async () => {
    const proxy = await startFaultProxy({ target: real.victoria.url, script: { kind: 'status', status: 503 } })
    try {
      const slow = station([{ name: 'slow', url: proxy.url, api: 'v2' }], '[retry]\nmax_retries = 0\n')
      expect((await runCli(['write'], { cwd: slow.dir, input: stationPoints(50, 'sp_int') })).code).toBe(1)
      let answering: () => void = () => {}
      const asked = new Promise<void>((resolve) => (answering = resolve))
      proxy.setScript(() => {
        answering()
        return { kind: 'delay', ms: 2000, then: { kind: 'status', status: 503 } }
      })
      const run = await runCli(['spool', 'drain'], { cwd: slow.dir, onSpawn: (child) => void asked.then(() => child.kill('SIGINT')) })
      expect(run.code, run.stderr).toBe(130)
      expect(run.stderr).toContain('error: interrupted (Ctrl-C): what the servers took is out of the spool; the rest stays for the next drain')
      // the request in flight was answered (503): nothing was taken, nothing is lost
      expect((await runCli(['spool', '--json'], { cwd: slow.dir }).then(parseJsonOutput)).points).toBe(50)
    } finally {
      await proxy.stop()
    }
  })

  it('an unknown --server: exit 2 listing the known ones', async () => {
    const run = await runCli(['spool', 'drain', '--server', 'cluod'], { cwd: s.dir })
    expect([run.code, run.stderr]).toEqual([2, expect.stringContaining('--server cluod: no such server in')])
    expect(run.stderr).toContain('known: local, cloud')
  })

  it('with no configuration: nothing to list, exit 0; nothing to drain to, exit 2', async () => {
    const list = await runCli(['spool'])
    expect([list.code, list.stdout]).toEqual([0, expect.stringContaining('servers: none configured')])
    const drain = await runCli(['spool', 'drain'])
    expect([drain.code, drain.stderr]).toEqual([2, expect.stringContaining('has no enabled server')])
  })
})
