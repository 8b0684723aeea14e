// `export` run as the built command: a logfile is replayed into a fresh
// InfluxDB 1.x, then the database is exported back and compared byte for byte.
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { readLogFile } from '@eht-influx-client/logfile'
import { startFaultProxy, type FaultProxy } from '@eht-influx-client/test-support'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useRealServers } from '../../test/real-servers.js'
import { parseJsonOutput, runCli, tempDir } from '../../test/run-cli.js'
import { station, type Station } from '../../test/station-config.js'

const real = useRealServers()
let proxy: FaultProxy
let s: Station
/** The logfile `write` made of `stationDay()`, replayed into `influx`. */
let logfile: string

/**
 * A station's points in the order an export writes them (time, then
 * measurement, then tags; fields and tags by name), every type InfluxDB 1.6
 * keeps: float, integer, string (with quotes and a backslash), boolean.
 */
function stationDay(seconds: number): string {
  let text = ''
  for (let i = 0; i < seconds; i++) {
    const t = 1617672549204824064n + BigInt(i) * 1_000_000_000n + BigInt(i % 7)
    text += `maser,station=Kp lock_count=${7 + (i % 3)}i,locked=${i % 5 !== 0},temperature_c=${(45.1 + i / 100).toFixed(2)} ${t}\n`
    text += `pps_offset,source=gps,station=Kp offset_ns=${((i % 97) / 8 - 6).toString()} ${t}\n`
    text += `recorder,station=Kp,unit=Mark6\\ 2 state="scan \\"${i}\\", disk\\\\1" ${t}\n`
  }
  return text
}

beforeAll(async () => {
  proxy = await startFaultProxy({ target: real.influx.url })
  s = station([...real.servers, { name: 'slow', url: proxy.url, api: 'v1', extra: 'enabled = false\n' }])
  const made = tempDir()
  const written = await runCli(['write'], { cwd: made, input: stationDay(400) })
  expect(written.code, written.stderr).toBe(0)
  logfile = fs.readdirSync(path.join(made, 'eht-influx-log')).map((name) => path.join(made, 'eht-influx-log', name))[0]!
  const replayed = await runCli(['replay', logfile, '--server', 'local'], { cwd: s.dir })
  expect(replayed.code, replayed.stderr).toBe(0)
})
afterAll(async () => {
  await proxy?.stop()
})

describe('export a database', () => {
  it('all measurements over all time (the default) gives the replayed logfile back, byte for byte', async () => {
    const run = await runCli(['export', '--server', 'local', '-o', 'dump.jsonl'], { cwd: s.dir, env: { EHT_CLI_PROGRESS_INTERVAL_MS: '0' } })
    expect(run.code, run.stderr).toBe(0)
    expect(fs.readFileSync(path.join(s.dir, 'dump.jsonl'), 'utf8')).toBe(fs.readFileSync(logfile, 'utf8'))
    expect(run.stderr).toMatch(/^export: [\d,]+ points, [\d,]+ points\/s$/m)
    expect(run.stderr.trim().split('\n').at(-1)).toMatch(
      new RegExp(`^export: 1,200 points from server local \\(eht_test\\), all measurements, all time, to ${path.join(s.dir, 'dump.jsonl').replace(/[.]/g, '\\.')} \\(jsonl\\) in .*; \\d+ queries; nothing skipped$`),
    )
  })

  it('--measurement, --since, --until, --format lp, --json: the same selection of the logfile as line protocol', async () => {
    const run = await runCli(['export', '--server', 'local', '--measurement', 'maser', '--measurement', 'recorder', '--since', '2021-04-06T01:30:09Z', '--until', '1617672619204824064', '--format', 'lp', '-o', 'part.txt', '--json'], { cwd: s.dir })
    expect(run.code, run.stderr).toBe(0)
    const converted = path.join(tempDir(), 'all.lp')
    expect((await runCli(['convert', logfile, '-o', converted])).code).toBe(0)
    const expected = fs
      .readFileSync(converted, 'utf8')
      .split('\n')
      .filter((line) => /^(maser|recorder),/.test(line) && BigInt(line.slice(line.lastIndexOf(' ') + 1)) >= 1617672609000000000n && BigInt(line.slice(line.lastIndexOf(' ') + 1)) < 1617672619204824064n)
    expect(expected).toHaveLength(2 * 10)
    expect(fs.readFileSync(path.join(s.dir, 'part.txt'), 'utf8')).toBe(`${expected.join('\n')}\n`)
    expect(parseJsonOutput(run)).toMatchObject({ command: 'export', ok: true, server: 'local', format: 'lp', points: 20, skipped: 0, measurements: ['maser', 'recorder'], since: '1617672609000000000', until: '1617672619204824064' })
  })

  it('an output that exists: exit 2 and it is kept; --force replaces it', async () => {
    const dir = s.dir
    fs.writeFileSync(path.join(dir, 'keep.lp'), 'keep me\n')
    const refused = await runCli(['export', '--server', 'local', '-o', 'keep.lp'], { cwd: dir })
    expect([refused.code, refused.stderr]).toEqual([2, expect.stringContaining('keep.lp exists; use --force')])
    expect(fs.readFileSync(path.join(dir, 'keep.lp'), 'utf8')).toBe('keep me\n')
    const forced = await runCli(['export', '--server', 'local', '--measurement', 'pps_offset', '-o', 'keep.lp', '--force'], { cwd: dir })
    expect(forced.code).toBe(0)
    expect(fs.readFileSync(path.join(dir, 'keep.lp'), 'utf8').split('\n')).toHaveLength(401)
  })

  it('a server that cannot answer the query (VictoriaMetrics has no Flux): exit 1 naming it, no file left', async () => {
    const dir = tempDir()
    const out = path.join(dir, 'vm.jsonl')
    const run = await runCli(['export', '--server', 'cloud', '-o', out, '--config', s.config], { cwd: dir })
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/error: server "cloud" \(http:\/\/127\.0\.0\.1:\d+\) .*Flux/)
    expect(fs.readdirSync(dir)).toEqual([])
  })

  it('-o x.lp.gz writes gzip, which the logfile reader reads back as the plain export', async () => {
    const dir = tempDir()
    const plain = await runCli(['export', '--server', 'local', '-o', 'dump.lp', '--config', s.config], { cwd: dir })
    expect(plain.code, plain.stderr).toBe(0)
    const run = await runCli(['export', '--server', 'local', '-o', 'dump.lp.gz', '--config', s.config], { cwd: dir })
    expect(run.code, run.stderr).toBe(0)
    expect(run.stderr).toContain('dump.lp.gz (lp, gzip)')
    const text = fs.readFileSync(path.join(dir, 'dump.lp'), 'utf8')
    expect(zlib.gunzipSync(fs.readFileSync(path.join(dir, 'dump.lp.gz'))).toString('utf8')).toBe(text)
    let read = 0
    for await (const item of readLogFile(path.join(dir, 'dump.lp.gz'))) if (item.record !== undefined) read++
    expect(read).toBe(1200)
    expect(fs.readdirSync(dir).sort()).toEqual(['dump.lp', 'dump.lp.gz'])
  })

  it('an unknown --measurement: exit 1, a warning naming it with the right case, the others exported', async () => {
    const again = await runCli(['export', '--server', 'local', '--measurement', 'Maser', '--measurement', 'pps_ofset', '--measurement', 'recorder', '-o', 'names.lp', '--json', '--config', s.config], { cwd: tempDir() })
    expect(again.code, again.stderr).toBe(1)
    expect(again.stderr).toContain('measurement "Maser" is not on server "local"')
    expect(again.stderr).toContain('(names are case-sensitive: did you mean "maser"?)')
    expect(again.stderr).toContain('measurement "pps_ofset" is not on server "local"')
    expect(again.stderr).toContain('(did you mean "pps_offset"?)')
    expect(parseJsonOutput(again)).toMatchObject({ ok: false, exitCode: 1, points: 400, unknownMeasurements: ['Maser', 'pps_ofset'] })
  })

  it('a field with several types across shards: that measurement is refused loudly (exit 1), the others exported', async () => {
    await real.influx.queryText('CREATE DATABASE mixed_test', { method: 'POST' })
    // Three shard groups (7 days each): v is float, then string, then boolean; n integer then float.
    await real.influx.write('mixed v=1.5 0\nmixed v="s" 1000000000000000000\nmixed v=true 2000000000000000000\nnum n=9007199254740993i 0\nnum n=3.0 1000000000000000000\nfine big=9007199254740993i,f=3.0 0', 'mixed_test')
    const mixed = station([{ name: 'mixed', url: real.influx.url, api: 'v1', extra: 'bucket = mixed_test\n' }])
    const run = await runCli(['export', '-o', 'all.lp', '--json'], { cwd: mixed.dir })
    expect(run.code, run.stderr).toBe(1)
    expect(fs.readFileSync(path.join(mixed.dir, 'all.lp'), 'utf8')).toBe('fine big=9007199254740993i,f=3 0\n')
    expect(run.stderr).toContain('measurement "mixed" was NOT exported: field "v" has the types boolean, float, string in different shards of mixed_test')
    expect(run.stderr).toContain('measurement "num" was NOT exported: field "n" has the types float, integer')
    expect(parseJsonOutput(run)).toMatchObject({ ok: false, points: 1, conflicts: [{ measurement: 'mixed', field: 'v' }, { measurement: 'num', field: 'n' }] })
    const plain = await runCli(['export', '-o', 'all2.lp'], { cwd: mixed.dir })
    expect(plain.stderr.trim().split('\n').at(-1)).toMatch(/; nothing skipped; NOT exported \(a field with several types\): mixed, num$/)
  })

  it('-o <a directory> --force: exit 2 before anything is read, the directory untouched', async () => {
    const dir = tempDir()
    fs.mkdirSync(path.join(dir, 'out.lp'))
    const run = await runCli(['export', '--server', 'local', '-o', 'out.lp', '--force', '--config', s.config], { cwd: dir })
    expect([run.code, run.stderr]).toEqual([2, expect.stringContaining(`${path.join(dir, 'out.lp')} exists and is a directory; --output must name a file`)])
    expect(run.stderr).not.toContain('export: ')
    expect(fs.readdirSync(dir)).toEqual(['out.lp'])
  })

  it('-o <a path under a file>: exit 1 with a clear error naming the output, before anything is read', async () => {
    const dir = tempDir()
    fs.writeFileSync(path.join(dir, 'afile'), 'x')
    const run = await runCli(['export', '--server', 'local', '-o', 'afile/x.lp', '--config', s.config], { cwd: dir })
    expect([run.code, run.stderr]).toEqual([1, expect.stringContaining(`error: cannot write ${path.join(dir, 'afile', 'x.lp')}: ENOTDIR: not a directory`)])
    expect(run.stderr).not.toMatch(/unexpected/i)
    expect(fs.readdirSync(dir)).toEqual(['afile'])
  })

  it('an integer --until beyond InfluxDB\'s range or a --since in seconds: exit 2 before any query, no file', async () => {
    for (const [selection, message] of [
      [['--since', '2021-01-01', '--until', '999999999999999999999999'], '--until "999999999999999999999999" cannot be used: outside InfluxDB\'s time range (years 1677 to 2262)'],
      [['--since', '1617672549'], '--since "1617672549" looks like seconds since 1970 (2021-04-06T01:29:09Z)'],
    ] as const) {
      const dir = tempDir()
      const run = await runCli(['export', '--server', 'local', ...selection, '-o', 'x.lp', '--config', s.config], { cwd: dir })
      expect([run.code, run.stderr]).toEqual([2, expect.stringContaining(message)])
      expect(run.stderr).not.toMatch(/unexpected/i)
      expect(fs.readdirSync(dir)).toEqual([])
    }
  })

  it('several servers and no --server: exit 2 listing them', async () => {
    const run = await runCli(['export', '-o', 'x.jsonl'], { cwd: s.dir })
    expect([run.code, run.stderr]).toEqual([2, expect.stringContaining('say which server to export with --server (known: local, cloud, slow)')])
  })

  it.each([
    ['slow.jsonl', 'SIGINT', 130, 'interrupted (Ctrl-C)'],
    ['slow.lp.gz', 'SIGINT', 130, 'interrupted (Ctrl-C)'],
    ['slow.jsonl', 'SIGTERM', 143, 'terminated (SIGTERM)'],
    ['slow.lp.gz', 'SIGHUP', 129, 'hung up (SIGHUP)'],
  ] as const)('-o %s, %s while the server is answering: exit %i, no output, no partial and no temporary file', async (output, signal, exitCode, said) => {
    const dir = tempDir()
    let queried: () => void = () => {}
    const querying = new Promise<void>((resolve) => (queried = resolve))
    proxy.setScript((request) => {
      if (!request.url.includes('SELECT')) return { kind: 'pass' }
      queried()
      return { kind: 'delay', ms: 3000 }
    })
    const run = runCli(['export', '--server', 'slow', '-o', output, '--config', s.config], {
      cwd: dir,
      onSpawn: (child) => void querying.then(() => child.kill(signal)),
    })
    const result = await run
    // After a SIGHUP stop the process ends by SIGHUP again (a shell reports 129, 128 + 1): see signal-exit.ts.
    expect([result.code, result.signal], result.stderr).toEqual(signal === 'SIGHUP' ? [null, 'SIGHUP'] : [exitCode, null])
    expect(result.stderr).toContain(`error: ${said}`)
    expect(fs.readdirSync(dir)).toEqual([])
  })

  it('a partial file left by a killed export with the same pid (a container\'s PID 1) is not in the way', async () => {
    const dir = tempDir()
    // Made in the CLI's own process before it runs: the leftover has exactly its pid, and is not empty.
    const preload = path.join(tempDir(), 'leftover.mjs')
    fs.writeFileSync(preload, "import fs from 'node:fs'\nfs.writeFileSync(`.dump.lp.partial-${process.pid}`, 'maser,station=Kp locked=true 1\\n')\n")
    const run = await runCli(['export', '--server', 'local', '-o', 'dump.lp', '--config', s.config], { cwd: dir, nodeArgs: ['--import', preload] })
    expect(run.code, run.stderr).toBe(0)
    expect(fs.readFileSync(path.join(dir, 'dump.lp'), 'utf8').trimEnd().split('\n')).toHaveLength(1200)
  })
})
