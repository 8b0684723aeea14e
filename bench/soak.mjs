// Soak (issue 9): one hour of simulated station traffic compressed into a few
// minutes (timestamps at 20x real time), written by EHTInfluxDBClient in async
// mode to a real InfluxDB 1.x and a real VictoriaMetrics, each behind a fault
// proxy injecting 503/429 with Retry-After, 500, resets before and after the
// server took the body, delays past the timeout, 413s, a blackhole period and
// a server outage (30 s at the default length). At the end: per server, points
// written, distinct points in the server, in the spool, in the logfile, and
// lost = written - (server + spool not yet delivered); and the writer's RSS,
// sampled every second in its own process: median of the first quarter vs the
// last quarter (growth shows as a ratio above 1) and the peak.
// Exits 1 if any point is lost. Needs influxd (influxdb) and victoria-metrics.
// node bench/soak.mjs [--minutes N (default 3)] [--quick (20 s)] [--seed N]
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import { register } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { errorLines, fileKeys, influxKeys, overlap, readSentKeys, victoriaKeys } from './lib/soak-count.mjs'
import { seeded } from './lib/seeded-random.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
register('./lib/ts-loader.mjs', import.meta.url)
const { startFaultProxy, startInfluxDB1, startVictoriaMetrics } = await import('@eht-influx-client/test-support')

function option(name) {
  const i = process.argv.indexOf(name)
  return i === -1 ? undefined : process.argv[i + 1]
}
const quick = process.argv.includes('--quick')
const minutes = Number(option('--minutes') ?? (quick ? 1 / 3 : 3))
const seed = Number(option('--seed') ?? 9)
const speed = 20
if (!(minutes > 0) || !Number.isInteger(seed)) {
  console.error('usage: node bench/soak.mjs [--minutes N (N > 0, default 3)] [--quick] [--seed INTEGER]')
  process.exit(2)
}
const T = minutes * 60_000
const database = 'eht_soak_test'

// Everything started is stopped on the way out: normal end, error, Ctrl-C.
const cleanups = []
let cleaning
let interrupted = false
function cleanup() {
  cleaning ??= (async () => {
    for (const undo of cleanups.reverse()) await undo().catch((error) => console.error(`cleanup: ${error.message}`))
  })()
  return cleaning
}
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]]) {
  process.on(signal, () => {
    interrupted = true
    console.error(`\n${signal}: stopping the station process, proxies and servers`)
    void cleanup().finally(() => process.exit(code))
  })
}

/** Fault per request, by the share of the run elapsed: clean at the start and in the last 15 %. */
function faultScript(rng, clock, windows, injected) {
  const count = (label, action) => {
    injected[label] = (injected[label] ?? 0) + 1
    return action
  }
  return () => {
    const t = clock()
    if (windows.blackhole.some(([from, to]) => t >= from && t < to)) return count('blackhole', { kind: 'blackhole' })
    if (t < 0.05 * T || t > 0.85 * T) return count('pass', { kind: 'pass' })
    const r = rng()
    if (r < 0.05) return count('503 Retry-After', { kind: 'status', status: 503, headers: { 'retry-after': String(1 + Math.floor(rng() * 3)) } })
    if (r < 0.07) return count('429 Retry-After', { kind: 'status', status: 429, headers: { 'retry-after': '1' } })
    if (r < 0.09) return count('500', { kind: 'status', status: 500 })
    if (r < 0.12) return count('reset before', { kind: 'reset', when: 'before' })
    if (r < 0.15) return count('reset after', { kind: 'reset', when: 'after' })
    if (r < 0.17) return count('delay past timeout', { kind: 'delay', ms: 3000 })
    if (r < 0.19) return count('413 over 64 KB', { kind: 'limit', maxBytes: 64 * 1024 })
    return count('pass', { kind: 'pass' })
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** Halts `server` at `from` ms of the run and restarts it `length` ms later. */
async function outage(server, clock, from, length, name, events) {
  await sleep(Math.max(0, from - clock()))
  events.push(`${(clock() / 1000).toFixed(1)} s: ${name} halted`)
  await server.halt()
  await sleep(Math.max(0, from + length - clock()))
  await server.restart()
  events.push(`${(clock() / 1000).toFixed(1)} s: ${name} back`)
}

function runStation(ini, dir) {
  const child = spawn(process.execPath, [path.join(here, 'lib', 'soak-station.mjs'), ini, dir, String(T), String(speed), String(seed)], { stdio: ['ignore', 'inherit', 'inherit'] })
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`station process exited with ${code ?? signal}`))))
  })
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length === 0 ? 0 : s[Math.floor(s.length / 2)]
}
const MB = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MB`
const n = (x) => x.toLocaleString('en-US')

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-bench-soak-'))
  cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }))
  const influx = await startInfluxDB1({ database })
  cleanups.push(() => influx.stop())
  const vm = await startVictoriaMetrics()
  cleanups.push(() => vm.stop())

  let t0 = performance.now()
  const clock = () => performance.now() - t0
  const outageMs = Math.min(30_000, T / 6)
  const blackholeMs = Math.min(15_000, 0.08 * T)
  const targets = {
    influx: { server: influx, outageAt: 0.2 * T, windows: { blackhole: [[0.5 * T, 0.5 * T + blackholeMs]] }, injected: {} },
    vm: { server: vm, outageAt: 0.6 * T, windows: { blackhole: [[0.3 * T, 0.3 * T + blackholeMs]] }, injected: {} },
  }
  const rng = seeded(seed * 7919)
  for (const target of Object.values(targets)) {
    target.proxy = await startFaultProxy({ target: target.server.url, script: faultScript(rng, clock, target.windows, target.injected) })
    cleanups.push(() => target.proxy.stop())
  }

  const ini = path.join(dir, 'influx_config.ini')
  fs.writeFileSync(
    ini,
    [
      `[client]\nbucket = ${database}\nprofile = test`,
      `[server.influx]\nurl = ${targets.influx.proxy.url}\napi = v1\ntimeout = 2s\nmax_buffer_lines = 10000`,
      `[server.vm]\nurl = ${targets.vm.proxy.url}\napi = v2\ntoken = soak-token\ntimeout = 2s\nmax_buffer_lines = 10000`,
      `[logfile]\npath = ${path.join(dir, 'log', 'eht-%Y-%m-%d.jsonl')}\nformat = jsonl`,
      '[retry]\nmax_delay = 10s',
      `[spool]\ndir = ${path.join(dir, 'spool')}`,
      `[errors]\nerrors_file = ${path.join(dir, 'errors.jsonl')}\nstderr = summary`,
    ].join('\n\n'),
    { mode: 0o600 },
  )

  console.log(`soak: ${(T / 60_000).toFixed(2)} min real = ${((T * speed) / 60_000).toFixed(0)} min of station time (${speed}x), seed ${seed}; outage ${(outageMs / 1000).toFixed(1)} s, blackhole ${(blackholeMs / 1000).toFixed(1)} s, faults from ${((0.05 * T) / 1000).toFixed(1)} s to ${((0.85 * T) / 1000).toFixed(1)} s`)
  const events = []
  t0 = performance.now()
  const outages = Promise.all([outage(influx, clock, targets.influx.outageAt, outageMs, 'influxdb', events), outage(vm, clock, targets.vm.outageAt, outageMs, 'victoria-metrics', events)])
  const station = runStation(ini, dir)
  await Promise.all([station, outages])
  const wallMs = clock()
  for (const e of events) console.log(`  ${e}`)

  const result = JSON.parse(fs.readFileSync(path.join(dir, 'station-result.json'), 'utf8'))
  const sent = readSentKeys(path.join(dir, 'sent.keys'))
  const total = Object.values(result.sent).reduce((a, b) => a + b, 0)
  const log = await fileKeys(path.join(dir, 'log'), 'jsonl')
  const logHas = overlap(sent.keys, log.keys)
  console.log(`\nwritten by the station: ${n(total)} points in ${n(result.writes)} write() calls (${Object.entries(result.sent).map(([m, c]) => `${m} ${n(c)}`).join(', ')}); duplicate keys ${sent.duplicates}`)
  console.log(`write(): slowest ${result.maxWriteMs.toFixed(1)} ms, ${result.slowWrites} over 100 ms; close() took ${(result.closeMs / 1000).toFixed(1)} s; run ${(wallMs / 1000).toFixed(1)} s`)
  console.log(`logfile: ${n(log.records)} records in ${log.files} file(s), ${n(logHas.both)} of the written points, ${logHas.only} missing, ${log.badLines} bad lines`)

  let lostAnywhere = logHas.only + sent.duplicates
  const keysOf = { influx: () => influxKeys(influx, database), vm: () => victoriaKeys(vm) }
  const errors = errorLines(path.join(dir, 'errors.jsonl'))
  console.log(`errors file: ${errors} rejected points\n`)
  console.log('server  written   in server  extra  spool (files, not in server)  lost   proxy: requests, lines accepted (with re-sends)   writer: delivered drained retried spooled')
  for (const [name, target] of Object.entries(targets)) {
    const inServer = await keysOf[name]()
    const spool = await fileKeys(path.join(dir, 'spool', name), 'lp')
    const got = overlap(sent.keys, inServer)
    const extra = inServer.size - got.both
    let spoolOnly = 0
    for (const k of spool.keys) if (sent.keys.has(k) && !inServer.has(k)) spoolOnly++
    const lost = sent.keys.size - got.both - spoolOnly
    lostAnywhere += lost + extra
    const p = target.proxy.stats()
    const s = result.stats[name] ?? {}
    console.log(
      `${name.padEnd(7)} ${n(sent.keys.size).padStart(8)}  ${n(got.both).padStart(9)}  ${String(extra).padStart(5)}  ${n(spool.records).padStart(7)} (${spool.files}${spool.openFiles ? `, ${spool.openFiles} open` : ''}, ${n(spoolOnly)})${' '.repeat(14)}${String(lost).padStart(5)}   ${n(p.requests).padStart(5)}, ${n(p.acceptedLines).padStart(9)}${' '.repeat(33)}${[s.delivered, s.drained, s.retried, s.spooled].map((v) => n(v ?? 0)).join(' ')}`,
    )
    if (spool.badLines > 0) console.log(`        spool: ${spool.badLines} torn lines`)
    console.log(`        faults injected: ${Object.entries(target.injected).filter(([k]) => k !== 'pass').map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`)
  }

  const quarter = Math.max(1, Math.floor(result.rss.length / 4))
  const first = median(result.rss.slice(0, quarter))
  const last = median(result.rss.slice(-quarter))
  const peak = Math.max(...result.rss, 0)
  const heapFirst = median(result.heap.slice(0, quarter))
  const heapLast = median(result.heap.slice(-quarter))
  console.log(`\nwriter RSS (${result.rss.length} samples, 1/s): first quarter median ${MB(first)}, last quarter median ${MB(last)}, ratio ${(last / first).toFixed(2)}x, peak ${MB(peak)} (maxRSS incl. close() ${MB(result.maxRSS)})`)
  console.log(`writer heap used: first quarter median ${MB(heapFirst)}, last quarter median ${MB(heapLast)}, ratio ${(heapLast / heapFirst).toFixed(2)}x`)
  console.log(lostAnywhere === 0 ? 'nothing lost' : `LOST or unexpected: ${lostAnywhere} (see above)`)
  if (lostAnywhere !== 0) process.exitCode = 1
}

try {
  await main()
} catch (error) {
  if (!interrupted) console.error(error instanceof Error ? (error.stack ?? error.message) : error)
  process.exitCode = 1
} finally {
  await cleanup()
}
