// A server that is down for the whole run: 1 million points written (async
// mode, default [retry] and max_buffer_lines), then close(). Prints the peak
// RSS and the points found on disk in the logfile and the spool, next to the
// same run with no server configured (logfile only), each in its own process.
// Goal: under 200 MB, every point in the logfile and in the spool.
// Size: WRITER_BENCH_POINTS (default 1000000).
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { readLogs } from '@eht-influx-client/logfile'
import { EHTInfluxDBClient } from '@eht-influx-client/writer'

const total = Number(process.env.WRITER_BENCH_POINTS ?? process.argv[3] ?? 1_000_000)
const chunk = 5000

/** A loopback port with nothing listening: connections are refused, as with a stopped server. */
function closedPort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

async function countRecords(inputs) {
  let n = 0
  for await (const _ of readLogs(inputs)) n++
  return n
}

/** One run in this (child) process; prints a JSON summary. */
async function child(variant, dir) {
  const port = await closedPort()
  const ini = path.join(dir, 'influx_config.ini')
  fs.writeFileSync(
    ini,
    [
      '[client]\nbucket = eht_bench_test',
      variant === 'down' ? `[server.station]\nurl = http://127.0.0.1:${port}\napi = v1\ntimeout = 2s` : '',
      `[logfile]\npath = ${path.join(dir, 'log', 'eht-%Y-%m-%d.jsonl')}\nformat = jsonl`,
      `[spool]\ndir = ${path.join(dir, 'spool')}`,
      `[errors]\nerrors_file = ${path.join(dir, 'errors.jsonl')}\nstderr = off`,
    ].join('\n\n'),
    { mode: 0o600 },
  )
  const start = 1617672549204824064n
  const t0 = process.hrtime.bigint()
  const client = await EHTInfluxDBClient.fromConfigFile(ini)
  const api = client.writeApi()
  for (let i = 0; i < total; i += chunk) {
    // Rows are made per chunk, as a station script produces them.
    const rows = Array.from({ length: Math.min(chunk, total - i) }, (_, j) => ({
      station: 'Kp',
      pps_offset: Math.sin(i + j) * 1e-6,
      maser_temp: 20 + ((i + j) % 100) / 10,
      timestamp: start + BigInt(i + j) * 1_000_000n,
    }))
    await api.write({ record: rows, dataFrameMeasurementName: 'station_health', dataFrameTagColumns: ['station'] })
  }
  await api.close()
  await client.close()
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9
  // Peak RSS of the writing (before the counting below).
  const rssMB = Math.round(process.resourceUsage().maxRSS / 1024)
  const logged = await countRecords(path.join(dir, 'log'))
  const spooled = fs.existsSync(path.join(dir, 'spool')) ? await countRecords(path.join(dir, 'spool')) : 0
  console.log(JSON.stringify({ seconds, rssMB, logged, spooled, stats: client.stats() }))
}

function run(variant) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `eht-bench-down-${variant}-`))
  try {
    const result = spawnSync(process.execPath, [fileURLToPath(import.meta.url), `--child=${variant}`, String(total)], { env: { ...process.env, EHT_BENCH_DIR: dir }, encoding: 'utf8' })
    if (result.status !== 0) throw new Error(`${variant} run failed:\n${result.stderr}`)
    return JSON.parse(result.stdout.trim().split('\n').at(-1))
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

const childArg = process.argv.find((a) => a.startsWith('--child='))
if (childArg !== undefined) {
  await child(childArg.slice('--child='.length), process.env.EHT_BENCH_DIR)
} else {
  console.log(`server down, ${total.toLocaleString('en-US')} points written in async mode, then close()`)
  const down = run('down')
  const alone = run('logfile')
  const line = (name, r) => console.log(`${name.padEnd(40)} peak RSS ${String(r.rssMB).padStart(4)} MB  ${r.seconds.toFixed(1).padStart(6)} s  logfile ${r.logged.toLocaleString('en-US')}  spool ${r.spooled.toLocaleString('en-US')}`)
  line('writer, v1 server down all the time', down)
  line('baseline: writer, no server (logfile)', alone)
  const everything = down.logged === total && down.spooled === total
  console.log(`every point in the logfile and the spool: ${everything ? 'yes' : 'NO'}; RSS ratio down/logfile-only ${(down.rssMB / alone.rssMB).toFixed(2)}x (goal: under 200 MB)`)
  if (!everything) process.exitCode = 1
}
