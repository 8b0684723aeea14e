// The full writer pipeline (validate + JSONL logfile + one VictoriaMetrics
// server through the v2 write API) next to the official client alone (Point
// API, batch 5000) writing the same points to the same server, in one run.
// Goal: at least 1.0x. Size: WRITER_BENCH_POINTS (default 1000000); rounds:
// WRITER_BENCH_ROUNDS (default 3), each runs both in alternating order (ABAB..),
// after an untimed warm-up of each; the medians are compared.
// Each side is timed from its first point until the server has accepted every
// point: the writer until flush() resolves; the official client until its
// writeSuccess callback has counted every point (its close() resolves once the
// last partial batch is handed over, before the batches still in flight are
// accepted: that time is printed too, for reference).
// Both gzip request bodies (their default): the official client at zlib's
// default level, the writer at level 1 for a server on this host (as here), so
// the official client without gzip is printed as a second baseline.
// max_buffer_lines is set to the burst size, so that the writer, like the
// official client, holds the burst in memory instead of spooling part of it.
// Needs the Debian package victoria-metrics (started here on a free port).
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { InfluxDB, Point } from '@influxdata/influxdb-client'
import { EHTInfluxDBClient } from '@eht-influx-client/writer'

const total = Number(process.env.WRITER_BENCH_POINTS ?? process.argv[2] ?? 1_000_000)
const rounds = Number(process.env.WRITER_BENCH_ROUNDS ?? 3)
/** Points of the untimed first run of each side (JIT, module loading, connections). */
const warmUp = Math.min(total, 50_000)
const chunk = 5000
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-bench-writer-'))

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
    server.on('error', reject)
  })
}

async function startVictoriaMetrics() {
  const port = await freePort()
  const child = spawn('victoria-metrics', [`-storageDataPath=${path.join(dir, 'vm')}`, `-httpListenAddr=127.0.0.1:${port}`, '-retentionPeriod=100y', '-loggerLevel=ERROR', '-search.latencyOffset=0s'], { stdio: 'ignore' })
  child.on('error', (error) => {
    console.error(`cannot start victoria-metrics (apt-get install victoria-metrics): ${error.message}`)
    process.exit(2)
  })
  const url = `http://127.0.0.1:${port}`
  for (let i = 0; i < 300; i++) {
    if (await fetch(`${url}/health`).then((r) => r.ok, () => false)) return { url, child }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error('victoria-metrics did not start')
}

async function countSamples(url, metric) {
  await fetch(`${url}/internal/force_flush`)
  const text = await (await fetch(`${url}/api/v1/export?${new URLSearchParams({ 'match[]': `{__name__="${metric}"}` })}`)).text()
  return text.split('\n').filter(Boolean).reduce((sum, line) => sum + JSON.parse(line).values.length, 0)
}

const start = 1617672549204824064n
/** Rows i..i+n, made when needed (as a station script produces them), the same for both runs. */
function rowsAt(i, n, points) {
  return Array.from({ length: Math.min(n, points - i) }, (_, j) => ({
    station: (i + j) % 2 ? 'Kp' : 'Pv',
    recorder: `r${(i + j) % 4}`,
    pps_offset: Math.sin(i + j) * 1e-6,
    maser_temp: 20 + ((i + j) % 100) / 10,
    locked: (i + j) % 7 !== 0,
    timestamp: start + BigInt(i + j) * 1_000_000n,
  }))
}

async function ours(url, measurement, points = total) {
  const ini = path.join(dir, `${measurement}.ini`)
  fs.writeFileSync(
    ini,
    [
      '[client]\nbucket = eht_bench_test\norg = eht',
      url === undefined ? '' : `[server.vm]\nurl = ${url}\napi = v2\ntoken = bench-token\nmax_buffer_lines = ${points}`,
      `[logfile]\npath = ${path.join(dir, measurement, 'bench-%Y-%m-%d.jsonl')}\nformat = jsonl\nfsync = interval`,
      `[spool]\ndir = ${path.join(dir, 'spool')}`,
      `[errors]\nerrors_file = ${path.join(dir, 'errors.jsonl')}\nstderr = summary`,
    ].join('\n\n'),
    { mode: 0o600 },
  )
  const t0 = process.hrtime.bigint()
  const client = await EHTInfluxDBClient.fromConfigFile(ini)
  const api = client.writeApi()
  for (let i = 0; i < points; i += chunk) {
    await api.write({ record: rowsAt(i, chunk, points), dataFrameMeasurementName: measurement, dataFrameTagColumns: ['station', 'recorder'] })
  }
  await api.flush()
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9
  await api.close()
  await client.close()
  const stats = client.stats().vm
  if (url !== undefined && stats.delivered !== points) throw new Error(`writer delivered ${stats.delivered} of ${points}`)
  return seconds
}

/** The official client; timed until its writeSuccess callback has counted every point. */
async function official(url, measurement, gzip, points = total) {
  let accepted = 0
  let settle
  const allAccepted = new Promise((resolve, reject) => (settle = { resolve, reject }))
  const t0 = process.hrtime.bigint()
  const writeApi = new InfluxDB({ url, token: 'bench-token' }).getWriteApi('eht', 'eht_bench_test', 'ns', {
    batchSize: 5000,
    ...(gzip ? {} : { gzipThreshold: Number.MAX_SAFE_INTEGER }),
    writeSuccess(lines) {
      accepted += lines.length
      if (accepted === points) settle.resolve()
    },
    writeFailed(error, _lines, attempt) {
      if (attempt >= 2) settle.reject(new Error(`official client: a batch failed ${attempt} times: ${error.message}`))
    },
  })
  for (let i = 0; i < points; i += chunk) {
    for (const row of rowsAt(i, chunk, points)) {
      writeApi.writePoint(
        new Point(measurement)
          .tag('station', row.station)
          .tag('recorder', row.recorder)
          .floatField('pps_offset', row.pps_offset)
          .floatField('maser_temp', row.maser_temp)
          .booleanField('locked', row.locked)
          .timestamp(String(row.timestamp)),
      )
    }
  }
  await writeApi.close()
  const closed = Number(process.hrtime.bigint() - t0) / 1e9
  await allAccepted
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, closed }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

const vm = await startVictoriaMetrics()
try {
  console.log(`full pipeline vs official client, ${total.toLocaleString('en-US')} points (2 tags, 3 fields) to VictoriaMetrics (v2 write API), ${rounds} rounds`)
  const runs = { ours: [], official: [], officialClosed: [], plain: [], plainClosed: [] }
  const arrived = { ours: 0, official: 0, plain: 0 }
  const runOurs = async (r) => runs.ours.push(await ours(vm.url, `ours${r}`))
  const runOfficial = async (r) => {
    const gz = await official(vm.url, `official${r}`, true)
    const plain = await official(vm.url, `plain${r}`, false)
    runs.official.push(gz.seconds)
    runs.officialClosed.push(gz.closed)
    runs.plain.push(plain.seconds)
    runs.plainClosed.push(plain.closed)
  }
  await ours(vm.url, 'warm_ours', warmUp)
  await official(vm.url, 'warm_official', true, warmUp)
  await official(vm.url, 'warm_plain', false, warmUp)
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) {
      await runOurs(r)
      await runOfficial(r)
    } else {
      await runOfficial(r)
      await runOurs(r)
    }
  }
  const logfileOnly = await ours(undefined, 'logonly')
  for (let r = 0; r < rounds; r++) for (const name of Object.keys(arrived)) arrived[name] += await countSamples(vm.url, `${name}${r}_pps_offset`)
  console.log(`peak RSS of this process (all runs): ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`)
  const line = (name, seconds, count, note = '') =>
    console.log(`${name.padEnd(62)} ${Math.round(total / seconds).toLocaleString('en-US').padStart(10)} points/s  (median ${seconds.toFixed(2)} s${note}; ${count.toLocaleString('en-US')} arrived in all)`)
  const fmt = (values) => values.map((v) => v.toFixed(2)).join(', ')
  line('writer: validate + JSONL logfile + v2 server (async mode)', median(runs.ours), arrived.ours, `; runs ${fmt(runs.ours)}`)
  line('baseline: official client alone (Point API, batch 5000, gzip)', median(runs.official), arrived.official, `; runs ${fmt(runs.official)}; close() at ${fmt(runs.officialClosed)}`)
  line('official client alone, gzip off', median(runs.plain), arrived.plain, `; runs ${fmt(runs.plain)}; close() at ${fmt(runs.plainClosed)}`)
  line('for reference: writer, no server (validate + JSONL logfile)', logfileOnly, total)
  console.log(`ratio: ${(median(runs.official) / median(runs.ours)).toFixed(2)}x the official client (goal >= 1.0x); ${(median(runs.plain) / median(runs.ours)).toFixed(2)}x the official client without gzip`)
  if (arrived.ours !== rounds * total || arrived.official !== rounds * total || arrived.plain !== rounds * total) {
    console.log('NOT every point arrived')
    process.exitCode = 1
  }
} finally {
  vm.child.kill('SIGTERM')
  await new Promise((resolve) => vm.child.once('exit', resolve))
  fs.rmSync(dir, { recursive: true, force: true })
}
