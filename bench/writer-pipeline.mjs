// The full writer pipeline (validate + JSONL logfile + one VictoriaMetrics
// server through the v2 write API) next to the official client alone (Point
// API, batch 5000) writing the same points to the same server, in one run.
// Goal: at least 1.0x. Size: WRITER_BENCH_POINTS (default 1000000).
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
function rowsAt(i, n) {
  return Array.from({ length: Math.min(n, total - i) }, (_, j) => ({
    station: (i + j) % 2 ? 'Kp' : 'Pv',
    recorder: `r${(i + j) % 4}`,
    pps_offset: Math.sin(i + j) * 1e-6,
    maser_temp: 20 + ((i + j) % 100) / 10,
    locked: (i + j) % 7 !== 0,
    timestamp: start + BigInt(i + j) * 1_000_000n,
  }))
}

async function ours(url, measurement) {
  const ini = path.join(dir, `${measurement}.ini`)
  fs.writeFileSync(
    ini,
    [
      '[client]\nbucket = eht_bench_test\norg = eht',
      url === undefined ? '' : `[server.vm]\nurl = ${url}\napi = v2\ntoken = bench-token\nmax_buffer_lines = ${total}`,
      `[logfile]\npath = ${path.join(dir, measurement, 'bench-%Y-%m-%d.jsonl')}\nformat = jsonl\nfsync = interval`,
      `[spool]\ndir = ${path.join(dir, 'spool')}`,
      `[errors]\nerrors_file = ${path.join(dir, 'errors.jsonl')}\nstderr = summary`,
    ].join('\n\n'),
    { mode: 0o600 },
  )
  const t0 = process.hrtime.bigint()
  const client = await EHTInfluxDBClient.fromConfigFile(ini)
  const api = client.writeApi()
  for (let i = 0; i < total; i += chunk) {
    await api.write({ record: rowsAt(i, chunk), dataFrameMeasurementName: measurement, dataFrameTagColumns: ['station', 'recorder'] })
  }
  await api.close()
  await client.close()
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9
  const stats = client.stats().vm
  if (url !== undefined && stats.delivered !== total) throw new Error(`writer delivered ${stats.delivered} of ${total}`)
  return seconds
}

async function official(url) {
  const t0 = process.hrtime.bigint()
  const writeApi = new InfluxDB({ url, token: 'bench-token' }).getWriteApi('eht', 'eht_bench_test', 'ns', { batchSize: 5000 })
  for (let i = 0; i < total; i += chunk) {
    for (const row of rowsAt(i, chunk)) {
      writeApi.writePoint(
        new Point('official')
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
  return Number(process.hrtime.bigint() - t0) / 1e9
}

const vm = await startVictoriaMetrics()
try {
  console.log(`full pipeline vs official client, ${total.toLocaleString('en-US')} points (2 tags, 3 fields) to VictoriaMetrics (v2 write API)`)
  const mine = await ours(vm.url, 'ours')
  const theirs = await official(vm.url)
  const logfileOnly = await ours(undefined, 'logonly')
  const [ourCount, theirCount] = [await countSamples(vm.url, 'ours_pps_offset'), await countSamples(vm.url, 'official_pps_offset')]
  console.log(`peak RSS of this process (both runs): ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`)
  const line = (name, seconds, count) => console.log(`${name.padEnd(58)} ${Math.round(total / seconds).toLocaleString('en-US').padStart(10)} points/s  (${seconds.toFixed(2)} s; ${count.toLocaleString('en-US')} arrived)`)
  line('writer: validate + JSONL logfile + v2 server (async mode)', mine, ourCount)
  line('baseline: official client alone (Point API, batch 5000)', theirs, theirCount)
  line('for reference: writer, no server (validate + JSONL logfile)', logfileOnly, total)
  console.log(`ratio: ${(theirs / mine).toFixed(2)}x (goal >= 1.0x)`)
} finally {
  vm.child.kill('SIGTERM')
  await new Promise((resolve) => vm.child.once('exit', resolve))
  fs.rmSync(dir, { recursive: true, force: true })
}
