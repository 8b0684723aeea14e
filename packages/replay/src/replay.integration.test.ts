import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { PassThrough } from 'node:stream'
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { decodeJsonl, encodeLineProtocol, formatRfc3339, type InfluxRecord, type LogFormat } from '@eht-influx-client/logfile'
import { startFaultProxy, startInfluxDB1, startVictoriaMetrics, type FaultProxy, type InfluxDB1Server, type VictoriaMetricsServer } from '@eht-influx-client/test-support'
import { readErrorsFile } from '@eht-influx-client/writer'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixtureRecords, lp, prefixed, removeTempDirs, tempDir, testConfig, writeLog } from '../test/support.js'
import { checkpointDir } from './checkpoint-store.js'
import type { ReplayProgress } from './progress.js'
import { replay } from './replay.js'

const execFileAsync = promisify(execFile)
const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures')

let influx: InfluxDB1Server
let vm: VictoriaMetricsServer
let station: InfluxRecord[]

beforeAll(async () => {
  ;[influx, vm] = await Promise.all([startInfluxDB1({ database: 'replay_test' }), startVictoriaMetrics()])
  station = await fixtureRecords('station.lp')
})
afterAll(async () => {
  await Promise.all([influx?.stop(), vm?.stop()])
  removeTempDirs()
})

const both = () => [
  { name: 'local', url: influx.url, api: 'v1' as const },
  { name: 'victoria', url: vm.url, api: 'v2' as const },
]

/** Every point of a measurement in InfluxDB, as line protocol built from its ns-epoch answer (read as text: int64 stays exact). */
async function influxTimes(measurement: string): Promise<string[]> {
  const text = await influx.queryText(`SELECT * FROM "${measurement.replace(/"/g, '\\"')}"`, { db: 'replay_test', epoch: 'ns' })
  return [...text.matchAll(/\[(\d{19}),/g)].map((m) => m[1]!)
}

/** The samples of one VictoriaMetrics metric, sorted by time. */
async function vmSamples(metric: string): Promise<[number, number][]> {
  const series = await vm.export(`{__name__=${JSON.stringify(metric)}}`)
  return series.flatMap((s) => s.timestamps.map((t, i) => [t, s.values[i]!] as [number, number])).sort((a, b) => a[0] - b[0])
}

const FORMATS: [string, LogFormat, boolean][] = [
  ['lp', 'lp', false],
  ['jsonl', 'jsonl', false],
  ['csv', 'csv', false],
  ['lp.gz', 'lp', true],
  ['jsonl.gz', 'jsonl', true],
]

describe('replay into InfluxDB 1.x and VictoriaMetrics', () => {
  it.each(FORMATS)('sends every point of a .%s logfile to both, values and ns times intact', async (ext, format, gzip) => {
    const dir = tempDir()
    const prefix = `${ext.replace('.', '_')}_`
    const records = prefixed(station, prefix)
    let file = await writeLog(path.join(dir, `station.${format}`), format, records)
    if (gzip) {
      fs.writeFileSync(`${file}.gz`, zlib.gzipSync(fs.readFileSync(file)))
      fs.rmSync(file)
      file = `${file}.gz`
    }
    const summary = await replay({ config: testConfig(dir, both()), inputs: file })
    expect(summary).toMatchObject({ files: 1, read: records.length, badLines: 0, stoppedEarly: false })
    for (const name of ['local', 'victoria']) expect(summary.servers[name]).toMatchObject({ sent: records.length, accepted: records.length, rejected: 0, spooled: 0, stopped: undefined })

    // InfluxDB: every point, at its exact ns time.
    for (const measurement of new Set(records.map((r) => r.measurement))) {
      const expected = records.filter((r) => r.measurement === measurement).map((r) => String(r.timestamp))
      expect(await influxTimes(measurement)).toEqual(expected)
    }
    const big = await influx.queryText(`SELECT "total" FROM "${prefix}control room \\"A\\""`, { db: 'replay_test', epoch: 'ns' })
    expect(big).toContain('9223372036854775807')
    expect(big).toContain('-9223372036854775808')

    // VictoriaMetrics: metric <measurement>_<field>, ms times, numbers.
    const offsets = records.filter((r) => r.measurement === `${prefix}pps_offset`)
    const samples = await vmSamples(`${prefix}pps_offset_offset_ns`)
    expect(samples).toEqual(offsets.map((r) => [Number(r.timestamp / 1_000_000n), Number((r.fields.offset_ns as { value: bigint }).value)]))
    const hydrogen = await vmSamples(`${prefix}maser health_hydrogen`)
    expect(hydrogen.map(([, v]) => v)).toEqual(records.filter((r) => r.measurement === `${prefix}maser health`).map((r) => r.fields.hydrogen!.value))
  })

  it('reads a directory of files in time order across the files, and a glob', async () => {
    const dir = tempDir()
    const logs = path.join(dir, 'logs')
    fs.mkdirSync(logs)
    const records = prefixed(station, 'order_')
    // Interleaved in time: every other point in each file.
    await writeLog(path.join(logs, 'b.jsonl'), 'jsonl', records.filter((_, i) => i % 2 === 0))
    await writeLog(path.join(logs, 'a.lp'), 'lp', records.filter((_, i) => i % 2 === 1))
    const requests: string[] = []
    const proxy = await startFaultProxy({
      target: influx.url,
      script: (request) => {
        requests.push(request.text)
        return { kind: 'pass' }
      },
    })
    try {
      const config = testConfig(dir, [{ name: 'local', url: proxy.url, api: 'v1', extra: ['batch_size = 5'] }])
      const summary = await replay({ config, inputs: logs })
      expect(summary).toMatchObject({ files: 2, read: records.length })
      // Requests leave in time order (the writer may have several in flight at once).
      expect(requests.flatMap((body) => body.split('\n'))).toEqual(records.map(encodeLineProtocol))
      expect(proxy.stats().acceptedLines).toBe(records.length)
      expect(proxy.stats().requests).toBe(Math.ceil(records.length / 5))
      const again = await replay({ config, inputs: [path.join(dir, '**', '*.lp'), path.join(dir, '**', '*.jsonl')], resume: false })
      expect(again.read).toBe(records.length)
    } finally {
      await proxy.stop()
    }
  })

  it('sends only what since, until and measurements select', async () => {
    const dir = tempDir()
    const records = prefixed(station, 'filter_')
    const file = await writeLog(path.join(dir, 'station.lp'), 'lp', records)
    const since = records[4]!.timestamp
    const until = records[20]!.timestamp
    // since as RFC 3339 text with all nine ns digits, until as a bigint
    const summary = await replay({ config: testConfig(dir, [{ name: 'local', url: influx.url, api: 'v1' }]), inputs: file, since: formatRfc3339(since), until, measurements: ['filter_pps_offset'] })
    const expected = records.filter((r) => r.measurement === 'filter_pps_offset' && r.timestamp >= since && r.timestamp < until)
    expect(summary.read).toBe(expected.length)
    expect(summary.filtered).toBe(records.length - expected.length)
    expect(await influxTimes('filter_pps_offset')).toEqual(expected.map((r) => String(r.timestamp)))
    expect(await influx.countPoints('filter_maser health')).toBe(0)
  })
})

describe('a second replay of the same selection', () => {
  it('sends nothing the server already accepted; resume: false sends everything again', async () => {
    const dir = tempDir()
    const records = prefixed(station, 'again_')
    const file = await writeLog(path.join(dir, 'station.jsonl'), 'jsonl', records)
    const proxy = await startFaultProxy({ target: influx.url })
    try {
      const config = testConfig(dir, [{ name: 'local', url: proxy.url, api: 'v1' }])
      await replay({ config, inputs: file })
      const first = proxy.stats()
      const second = await replay({ config, inputs: file })
      expect(proxy.stats()).toEqual(first)
      expect(second.servers.local).toMatchObject({ alreadyDone: records.length, sent: 0 })
      const third = await replay({ config, inputs: file, resume: false })
      expect(third.servers.local).toMatchObject({ alreadyDone: 0, accepted: records.length })
      expect(proxy.stats().acceptedLines).toBe(2 * records.length)
    } finally {
      await proxy.stop()
    }
  })
})

describe('a replay whose since moves later between runs (the CLI\'s --since 7d)', () => {
  it('resumes from the checkpoint (nothing sent twice); a wider range starts over, says so, and sends what was left out', async () => {
    const dir = tempDir()
    const file = path.join(dir, 'station.lp')
    const measurement = 'moving_since'
    const at = (i: number) => 1617672549204824064n + BigInt(i) * 1_000_000n
    fs.writeFileSync(file, `${lp(measurement, 100).join('\n')}\n`)
    const proxy = await startFaultProxy({ target: influx.url })
    try {
      const config = testConfig(dir, [{ name: 'local', url: proxy.url, api: 'v1', extra: ['batch_size = 7'] }])
      const first = await replay({ config, inputs: file, since: at(10) })
      expect(first.servers.local).toMatchObject({ sent: 90, accepted: 90 })
      // The station logs on; the next run's since is later.
      fs.appendFileSync(file, `${lp(measurement, 50, 100).join('\n')}\n`)
      const second = await replay({ config, inputs: file, since: at(20) })
      expect(second.warnings).toEqual([])
      expect(second.servers.local).toMatchObject({ alreadyDone: 80, sent: 50, accepted: 50 })
      expect(proxy.stats().acceptedLines).toBe(140)
      // Later still, nothing new: nothing sent.
      const third = await replay({ config, inputs: file, since: at(30) })
      expect(third.servers.local).toMatchObject({ alreadyDone: 120, sent: 0 })
      expect(proxy.stats().acceptedLines).toBe(140)
      // One checkpoint for all of them.
      expect(fs.readdirSync(checkpointDir(config)).filter((f) => f.endsWith('.json'))).toHaveLength(1)
      expect(await influx.countPoints(measurement)).toBe(140)

      // Earlier than the checkpoint's range (since point 20: the third run moved nothing, so it kept the range it
      // had): points 0 to 19 before its offsets were not all sent, so it starts over.
      const wider = await replay({ config, inputs: file, since: at(0) })
      expect(wider.warnings).toHaveLength(1)
      expect(wider.warnings[0]).toMatch(/^server "local": the checkpoint .* was made for since 2021-04-06T01:29:09\.224824064Z, until none; this replay's range \(since 2021-04-06T01:29:09\.204824064Z, until none\) is not within it, .*every file is replayed from its start$/)
      expect(wider.servers.local).toMatchObject({ alreadyDone: 0, sent: 150, accepted: 150 })
      expect(await influx.countPoints(measurement)).toBe(150)
      // And that range resumes in turn.
      const again = await replay({ config, inputs: file, since: at(5) })
      expect(again.warnings).toEqual([])
      expect(again.servers.local).toMatchObject({ alreadyDone: 145, sent: 0 })
    } finally {
      await proxy.stop()
    }
  })
})

describe('a logfile replaced at a path replayed before', () => {
  it('is replayed from its start (with a warning) when overwritten or truncated; appended or compressed since, it keeps its checkpoint', async () => {
    const dir = tempDir()
    const file = path.join(dir, 'dump.lp')
    const config = testConfig(dir, [{ name: 'local', url: influx.url, api: 'v1' }])
    const write = (lines: string[]) => fs.writeFileSync(file, `${lines.join('\n')}\n`) // in place, as `export -f` or copytruncate
    write(lp('replaced_first', 3))
    expect((await replay({ config, inputs: file })).servers.local).toMatchObject({ accepted: 3 })

    // One new point, shorter than the checkpoint's offset: no longer skipped as "already delivered".
    write(lp('replaced_one', 1))
    const one = await replay({ config, inputs: file })
    expect(one.servers.local).toMatchObject({ alreadyDone: 0, accepted: 1 })
    expect(one.warnings).toEqual([expect.stringMatching(/dump\.lp: the checkpoint of server "local" does not match this file any more \(the checkpoint's offset \d+ is past the file's end \(\d+ bytes\)\).*replayed from its start/)])
    expect(await influx.countPoints('replaced_one')).toBe(1)

    // Four new points, longer than the last checkpoint: none is lost.
    write(lp('replaced_four', 4))
    const four = await replay({ config, inputs: file })
    expect(four.servers.local).toMatchObject({ alreadyDone: 0, accepted: 4 })
    expect(four.warnings).toEqual([expect.stringContaining('are not those checkpointed')])
    expect(await influx.countPoints('replaced_four')).toBe(4)

    // Appended to: only the new point goes, no warning.
    fs.appendFileSync(file, `${lp('replaced_four', 5)[4]}\n`)
    const appended = await replay({ config, inputs: file })
    expect(appended).toMatchObject({ warnings: [], servers: { local: { alreadyDone: 4, accepted: 1 } } })

    // Compressed since (a rotated file): the same content keeps its checkpoint.
    fs.writeFileSync(`${file}.gz`, zlib.gzipSync(fs.readFileSync(file)))
    fs.rmSync(file)
    const compressed = await replay({ config, inputs: `${file}.gz` })
    expect(compressed).toMatchObject({ warnings: [], servers: { local: { alreadyDone: 5, sent: 0 } } })
    expect(await influx.countPoints('replaced_four')).toBe(5)
  })
})

describe('stopping with a signal', () => {
  it('delivers and checkpoints what was handed over; the next run sends the rest', async () => {
    const dir = tempDir()
    const file = path.join(dir, 'long.lp')
    const lines = Array.from({ length: 20_000 }, (_, i) => `signal,station=Kp value=${i}i ${1617672549204824064n + BigInt(i)}`)
    fs.writeFileSync(file, `${lines.join('\n')}\n`)
    const config = testConfig(dir, [{ name: 'local', url: influx.url, api: 'v1' }])
    const controller = new AbortController()
    const progress: ReplayProgress[] = []
    const onProgress = (p: ReplayProgress) => {
      progress.push(p)
      if (p.pointsRead >= 5000) controller.abort()
    }
    const first = await replay({ config, inputs: file, rateLimit: { pointsPerSecond: 10_000 }, signal: controller.signal, onProgress })
    expect(first.stoppedEarly).toBe(true)
    const done = first.servers.local!.accepted
    expect(done).toBeGreaterThanOrEqual(5000)
    expect(done).toBeLessThan(lines.length)
    expect(progress.at(-1)).toMatchObject({ done: true, pointsSent: done })
    expect(progress.at(-1)!.bytesRead).toBeLessThan(progress.at(-1)!.bytesTotal)
    const second = await replay({ config, inputs: file })
    expect(second.servers.local).toMatchObject({ alreadyDone: done, accepted: lines.length - done })
    expect(await influx.countPoints('signal')).toBe(lines.length)
  })
})

describe('dry run', () => {
  it('prints the line protocol and sends nothing, to no server', async () => {
    const dir = tempDir()
    const records = prefixed(station, 'dry_')
    const file = await writeLog(path.join(dir, 'station.csv'), 'csv', records)
    const proxies: FaultProxy[] = await Promise.all([startFaultProxy({ target: influx.url }), startFaultProxy({ target: vm.url })])
    try {
      const config = testConfig(dir, [
        { name: 'local', url: proxies[0]!.url, api: 'v1' },
        { name: 'victoria', url: proxies[1]!.url, api: 'v2' },
      ])
      const output = new PassThrough()
      let printed = ''
      output.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')))
      const summary = await replay({ config, inputs: file, dryRun: true, output })
      expect(printed).toBe(records.map((r) => `${encodeLineProtocol(r)}\n`).join(''))
      expect(summary).toMatchObject({ dryRun: true, printed: records.length, servers: {} })
      expect(proxies.map((p) => p.stats().requests)).toEqual([0, 0])
      expect(fs.existsSync(path.join(dir, 'spool-replay-checkpoints'))).toBe(false)
      expect(await influx.countPoints('dry_pps_offset')).toBe(0)
    } finally {
      await Promise.all(proxies.map((p) => p.stop()))
    }
  })
})

describe('dry run of JSONL (transcoded straight to line protocol)', () => {
  it('prints exactly encodeLineProtocol of each record, lists bad lines, and applies since and measurements', async () => {
    const dir = tempDir()
    // The station records three times over with shifted times: later lines hit the shapes of earlier ones.
    const records = [0n, 1n, 2n].flatMap((round) => prefixed(station, 'dryj_').map((r) => ({ ...r, timestamp: r.timestamp + round * 10n ** 12n })))
    const file = await writeLog(path.join(dir, 'station.jsonl'), 'jsonl', records)
    const lines = fs.readFileSync(file, 'utf8').split('\n')
    const at = station.length + 1 // 0-based: a line of the second round
    // Out of InfluxDB's time range: rejected by the transcoder's own check, with the decoder's reason.
    const bad = lines[at]!.replace(/^\{"time":"\d+"/, '{"time":"9223372036854775807"')
    expect(bad).not.toBe(lines[at])
    lines.splice(at, 1, bad)
    fs.writeFileSync(file, lines.join('\n'))
    const config = testConfig(dir, [{ name: 'local', url: influx.url, api: 'v1' }])
    const run = async (options: { since?: bigint; measurements?: string[] }) => {
      const output = new PassThrough()
      let printed = ''
      output.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')))
      const badLines: string[] = []
      const summary = await replay({ config, inputs: file, dryRun: true, output, onBadLine: (b) => badLines.push(`${b.line}: ${b.reason}`), ...options })
      return { printed, summary, badLines }
    }
    const all = await run({})
    const good = records.filter((_, i) => i !== at)
    expect(all.printed).toBe(good.map((r) => `${encodeLineProtocol(r)}\n`).join(''))
    let reason = ''
    try {
      decodeJsonl(bad)
    } catch (error) {
      reason = (error as Error).message
    }
    expect(reason).toContain("outside InfluxDB's range")
    expect(all.badLines).toEqual([`${at + 1}: ${reason}`])
    expect(all.summary).toMatchObject({ read: good.length, badLines: 1, printed: good.length })
    const since = records[at]!.timestamp
    const measurement = good[0]!.measurement
    const some = await run({ since, measurements: [measurement] })
    const selected = good.filter((r) => r.timestamp >= since && r.measurement === measurement)
    expect(selected.length).toBeGreaterThan(0)
    expect(some.printed).toBe(selected.map((r) => `${encodeLineProtocol(r)}\n`).join(''))
    expect(some.summary).toMatchObject({ read: selected.length, filtered: good.length - selected.length, badLines: 1 })
  })
})

/** 3000 JSONL lines of 6 shapes whose floats another writer wrote: `1.50`, `1.25E-3`, `-0.0`, `1e+2`, upper-case exponents. */
function foreignFloatLines(measurement: string): string[] {
  const texts = (i: number) => [`${i}.50`, `${i}.25E-3`, '-0.0', `${i + 1}e+2`, String(Math.sin(i) * 1e-7).replace('e', 'E'), String(Math.cos(i))]
  const lines: string[] = []
  for (let i = 0; i < 500; i++) {
    for (const [k, text] of texts(i).entries()) lines.push(`{"time":"${1617672549204824064n + BigInt(lines.length) * 1_000_000n}","measurement":"${measurement}","tags":{"k":"${k}"},"fields":{"v":${text}}}`)
  }
  return lines
}

describe('floats written otherwise than JS prints them (a logfile from another writer)', () => {
  it('a dry run in a process of its own prints exactly the lines a replay in a process of its own sends', async () => {
    const dir = tempDir()
    const file = path.join(dir, 'foreign.jsonl')
    fs.writeFileSync(file, `${foreignFloatLines('foreign_floats_dry').join('\n')}\n`)
    const proxy = await startFaultProxy({ target: influx.url })
    try {
      testConfig(dir, [{ name: 'local', url: proxy.url, api: 'v1' }])
      const configFile = path.join(dir, 'config.ini')
      const child = (...args: string[]) => execFileAsync(process.execPath, [path.join(fixtures, 'replay-child.mjs'), ...args], { maxBuffer: 64 * 1024 * 1024 })
      const shown = (await child('--dry-run', configFile, file)).stdout.split('\n').filter(Boolean)
      expect(proxy.stats().requests).toBe(0)
      const summary = JSON.parse((await child(configFile, file)).stdout) as Record<string, { accepted: number }>
      expect(summary.local!.accepted).toBe(3000)
      const sent = proxy.acceptedBodies.flatMap((body) => body.split('\n').filter(Boolean))
      expect(shown).toHaveLength(3000)
      expect([...shown].sort()).toEqual([...sent].sort())
      // Copied as written, but for the first lines of each shape (read before its code was compiled).
      expect(shown.filter((line) => line.includes(' v=-0.0 ')).length).toBeGreaterThan(480)
    } finally {
      await proxy.stop()
    }
  })

  it('reach InfluxDB 1.x and VictoriaMetrics as the same doubles, most of them sent as written', async () => {
    const dir = tempDir()
    const lines = foreignFloatLines('foreign_floats')
    const file = path.join(dir, 'foreign.jsonl')
    fs.writeFileSync(file, `${lines.join('\n')}\n`)
    const summary = await replay({ config: testConfig(dir, both()), inputs: file })
    for (const name of ['local', 'victoria']) expect(summary.servers[name]).toMatchObject({ accepted: lines.length, rejected: 0 })
    const written = lines.map((line) => /"v":([^}]+)\}/.exec(line)![1]!)
    // InfluxDB keeps doubles: every value exactly.
    const body = JSON.parse(await influx.queryText('SELECT "v" FROM "foreign_floats"', { db: 'replay_test' })) as { results: { series: { values: [string, number][] }[] }[] }
    const stored = body.results[0]!.series[0]!.values.map(([, v]) => v)
    expect(stored).toHaveLength(lines.length)
    for (const [i, text] of written.entries()) expect(stored[i] === Number(text), `${text} stored as ${stored[i]}`).toBe(true)
    // -0.0 sent as written keeps its sign (JS prints -0 as 0): so did all but the first lines of each shape, read before its code
    // was compiled. Each server has a reader of its own, and the code is compiled once per process: when the other server's reader
    // met a shape first, this one takes all its lines as written.
    const signed = stored.filter((v, i) => written[i] === '-0.0' && Object.is(v, -0)).length
    expect(signed).toBeGreaterThan(480)
    expect(signed).toBeLessThanOrEqual(500)
    // VictoriaMetrics: the same points, each at its ms time (it keeps 12 significant digits).
    const samples = await vmSamples('foreign_floats_v')
    expect(samples.map(([t]) => t)).toEqual(lines.map((_, i) => 1617672549204 + i))
    for (const [i, [, v]] of samples.entries()) expect(Math.abs(v - Number(written[i])), written[i]).toBeLessThanOrEqual(1e-11 * Math.abs(Number(written[i])))
  })
})

describe('bad input lines and rejected points', () => {
  it('skips and lists bad lines with file and line, puts rejected points in the errors file, replays the rest', async () => {
    const dir = tempDir()
    const good = prefixed(station, 'bad_').slice(0, 6).map(encodeLineProtocol)
    const unsigned = 'bad_counters total=5u 1617672549204824064'
    const file = path.join(dir, 'mixed.lp')
    fs.writeFileSync(file, [good[0], good[1], 'bad_x,station=Kp', good[2], unsigned, good[3], 'bad_y value=oops 12', good[4], good[5], ''].join('\n'))
    const config = testConfig(dir, [{ name: 'local', url: influx.url, api: 'v1' }])
    const seen: number[] = []
    const summary = await replay({ config, inputs: file, onBadLine: (bad) => seen.push(bad.line) })
    expect(seen).toEqual([3, 7])
    expect(summary).toMatchObject({ read: 7, badLines: 2 })
    expect(summary.servers.local).toMatchObject({ accepted: 6, rejected: 1 })
    const entries = (await readErrorsFile(config.errors.errorsFile)) as unknown as Record<string, unknown>[]
    const bad = entries.filter((e) => e.file === file)
    expect(bad.map((e) => [e.lineNumber, e.line])).toEqual([
      [3, 'bad_x,station=Kp'],
      [7, 'bad_y value=oops 12'],
    ])
    expect(String(bad[0]!.message)).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:\\d+: bad line skipped: `))
    const rejected = entries.filter((e) => e.server === 'local')
    expect(rejected).toHaveLength(1)
    expect(rejected[0]).toMatchObject({ status: 400, line: unsigned })
    expect(String(rejected[0]!.message)).toContain('invalid number')
    expect(await influx.countPoints('bad_pps_offset')).toBe(3)
    // Run again: the checkpoint is past both bad lines, so they are not listed twice.
    const again = await replay({ config, inputs: file })
    expect(again.badLines).toBe(0)
    expect((await readErrorsFile(config.errors.errorsFile)).length).toBe(entries.length)
  })

  it('lists bad lines after the last point of a file once, not again on every later replay', async () => {
    const dir = tempDir()
    const good = prefixed(station, 'badend_').slice(0, 4).map(encodeLineProtocol)
    const file = path.join(dir, 'tail.lp')
    fs.writeFileSync(file, ['broken at the start', ...good, 'broken at the end', 'also broken', ''].join('\n'))
    const config = testConfig(dir, [{ name: 'local', url: influx.url, api: 'v1' }])
    const first = await replay({ config, inputs: file })
    expect(first).toMatchObject({ read: 4, badLines: 3 })
    const listed = async () => (await readErrorsFile(config.errors.errorsFile)).map((e) => (e as unknown as { lineNumber: number }).lineNumber)
    expect(await listed()).toEqual([1, 6, 7])
    for (let run = 0; run < 2; run++) {
      const again = await replay({ config, inputs: file })
      expect(again.badLines).toBe(0)
      expect(again.servers.local).toMatchObject({ alreadyDone: 4, sent: 0 })
    }
    expect(await listed()).toEqual([1, 6, 7])
    // Points appended after the bad lines are still sent, and a new bad line at the end is listed once.
    fs.appendFileSync(file, `${encodeLineProtocol({ ...station[0]!, measurement: 'badend_more' })}\nbroken again\n`)
    const more = await replay({ config, inputs: file })
    expect(more).toMatchObject({ read: 5, badLines: 1 })
    expect(more.servers.local).toMatchObject({ alreadyDone: 4, accepted: 1 })
    expect(await listed()).toEqual([1, 6, 7, 9])
    expect((await replay({ config, inputs: file })).badLines).toBe(0)
  })

  it('lists each bad line once when two servers read the input (each with its reader)', async () => {
    const dir = tempDir()
    const good = prefixed(station, 'badtwo_').slice(0, 6).map(encodeLineProtocol)
    const file = path.join(dir, 'two.lp')
    fs.writeFileSync(file, [good[0], 'broken one', ...good.slice(1), 'broken two', ''].join('\n'))
    const config = testConfig(dir, both())
    const seen: number[] = []
    const summary = await replay({ config, inputs: file, onBadLine: (bad) => seen.push(bad.line) })
    expect(seen).toEqual([2, 8])
    expect(summary).toMatchObject({ read: 6, filtered: 0, badLines: 2 })
    for (const name of ['local', 'victoria']) expect(summary.servers[name]).toMatchObject({ accepted: 6 })
    expect((await replay({ config, inputs: file })).badLines).toBe(0)
  })

  it('lists a bad line once it is there, though an earlier reader met a line still being written in its place', async () => {
    // The second server answers late, so its reader comes to the end of the file after the first one. The
    // first meets a line still being written (a bad line for it); before the second gets there the line is
    // finished and followed by a bad line and a good one: the second reader's first bad line is another line.
    const dir = tempDir()
    const file = path.join(dir, 'growing.lp')
    const t0 = 1617672549000000000n
    const line = (i: number) => `badgrow,station=Kp v=${i}i ${t0 + BigInt(i)}`
    const lines = Array.from({ length: 6000 }, (_, i) => line(i))
    fs.writeFileSync(file, `${lines.join('\n')}\n${line(6000).slice(0, 20)}`)
    const proxy = await startFaultProxy({ target: vm.url, script: { kind: 'delay', ms: 200 } })
    try {
      const config = testConfig(dir, [
        { name: 'local', url: influx.url, api: 'v1', extra: ['batch_size = 500'] },
        { name: 'victoria', url: proxy.url, api: 'v2', extra: ['batch_size = 500'] },
      ])
      const seen: number[] = []
      const summary = await replay({
        config,
        inputs: file,
        onBadLine: (bad) => {
          seen.push(bad.line)
          if (seen.length === 1) fs.appendFileSync(file, `${line(6000).slice(20)}\nnot line protocol\n${line(6001)}\n`)
        },
      })
      expect(seen).toEqual([6001, 6002])
      expect(summary.servers.local).toMatchObject({ accepted: 6000 })
      expect(summary.servers.victoria).toMatchObject({ accepted: 6002 })
    } finally {
      await proxy.stop()
    }
  })
})
