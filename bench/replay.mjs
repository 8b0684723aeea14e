// Speed of @eht-influx-client/replay: a JSONL logfile replayed into InfluxDB 1.x,
// next to two baselines measured in the same run against the same server:
//   (a) the raw ingest limit: the same points as pre-encoded line protocol,
//       POSTed in 5000-line batches (uncompressed, keep-alive, 4 requests in
//       flight like the writer's outbox);
//   (b) InfluxDB's own `influx -import` of the same points as an LP file.
// Each run writes to its own database of one influxd (Debian package
// `influxdb`; (b) needs `influx` from the package `influxdb-client`, and is
// skipped with a note when it is missing). The three runs are repeated in
// rounds and the best of each is compared (the machine's load varies); before
// each timed run the bench waits until influxd is idle, so that no run pays for
// the snapshots and compactions of the one before (the wait is printed). The
// replay runs in a child process so that its peak RSS is its own; the server
// config has gzip = false, like the raw POSTs (loopback).
//
//   node bench/replay.mjs [LINES]        (or REPLAY_BENCH_LINES=N; default 1 000 000)
//   REPLAY_BENCH_ROUNDS=N                rounds (default 3)
//
// Goals (issue 7): replay >= 0.8x the raw limit, faster than influx -import,
// peak RSS under 150 MB. Temporary files go under os.tmpdir() and are removed.
//
// It also gives the CPU time of each side (influxd's from /proc, the raw POSTs'
// client, the replay) and the ratio those allow: when influxd and its client
// keep every CPU busy, as on a small VM, a run takes about (influxd + client
// CPU) / CPUs, so the replay, which reads and transcodes the logfile as well,
// can reach at most (influxd + raw client) / (influxd + replay) of the raw rate.
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { register } from 'node:module'
import { fileURLToPath } from 'node:url'

const BATCH = 5000

/** The replay itself, in its own process: prints JSON with its time and peak RSS. */
async function child(configFile, input) {
  const { loadConfig } = await import('@eht-influx-client/config')
  const { replay } = await import('@eht-influx-client/replay')
  const config = await loadConfig(configFile)
  const started = process.hrtime.bigint()
  const cpu = process.cpuUsage()
  const summary = await replay({ config, inputs: input })
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  const used = process.cpuUsage(cpu)
  process.stdout.write(`${JSON.stringify({ seconds, cpuSeconds: (used.user + used.system) / 1e6, maxRssKb: process.resourceUsage().maxRSS, summary: summary.servers.local, read: summary.read })}\n`)
}

/**
 * Only what logfile does for a replay: read the JSONL and make line protocol, as
 * replay does (mode 'transcode': the reader's lineProtocol, floatsAsWritten and plausible options, runs and items) or through
 * records (mode 'records': decode, then encodeLineProtocol); prints its CPU seconds.
 */
async function childRead(input, mode) {
  const { encodeLineProtocol, readLogs, STATION_TIMES } = await import('@eht-influx-client/logfile')
  const cpu = process.cpuUsage()
  let bytes = 0
  if (mode === 'records') for await (const item of readLogs(input)) bytes += encodeLineProtocol(item.record).length
  else {
    // As replay reads: runs of points transcoded from the bytes read where there are (their bytes, no string), each
    // chunk read without taking an item from it (nextChunk), items elsewhere.
    // With replay's plausibility range (the station times, 1990-2100: a timestamp outside is a bad line), as replay reads.
    const items = readLogs(input, { lineProtocol: true, floatsAsWritten: true, plausible: STATION_TIMES })[Symbol.asyncIterator]()
    for (;;) {
      const run = items.readyRun()
      if (run !== undefined) {
        bytes += run.bytes.length - run.count
        continue
      }
      let item = items.ready()
      if (item === undefined && (await items.nextChunk())) continue
      if (item === undefined) {
        const next = await items.next()
        if (next.done === true) break
        item = next.value
      }
      bytes += item.lineProtocol.length
    }
  }
  const used = process.cpuUsage(cpu)
  process.stdout.write(`${JSON.stringify({ cpuSeconds: (used.user + used.system) / 1e6, bytes })}\n`)
}

function count(text, fallback) {
  if (text === undefined || text === '') return fallback
  const n = Number(text)
  if (!Number.isSafeInteger(n) || n < 1) {
    console.error(`bench/replay.mjs: the number of lines must be a positive whole number, got ${JSON.stringify(text)}`)
    process.exit(2)
  }
  return n
}

function which(binary) {
  for (const dir of [...(process.env.PATH ?? '').split(path.delimiter), '/usr/bin', '/usr/sbin']) {
    const file = path.join(dir, binary)
    try {
      fs.accessSync(file, fs.constants.X_OK)
      return file
    } catch {
      // keep looking
    }
  }
  return undefined
}

async function query(url, q, db) {
  const res = await fetch(`${url}/query?${new URLSearchParams({ q, ...(db ? { db } : {}) })}`, { method: 'POST' })
  const text = await res.text()
  if (!res.ok) throw new Error(`${q}: HTTP ${res.status} ${text}`)
  return JSON.parse(text)
}

async function countPoints(url, db) {
  const body = await query(url, 'SELECT COUNT("offset") FROM "pps_offset"', db)
  return body.results[0]?.series?.[0]?.values[0]?.[1] ?? 0
}

/** The benchmark's logfiles: the same points as JSONL (written by logfile's writer) and as LP. */
async function makeInputs(dir, lines) {
  const { encodeLineProtocol, openLogWriter } = await import('@eht-influx-client/logfile')
  const jsonl = path.join(dir, 'station.jsonl')
  const lp = path.join(dir, 'station.lp')
  const writer = await openLogWriter({ path: jsonl, format: 'jsonl', rotate: { kind: 'none' }, fsync: 'never', flushIntervalMs: 1000 })
  const lpFile = fs.openSync(lp, 'w')
  const stations = ['Kp', 'Pv', 'Sm', 'Aa', 'Ax']
  let t = 1617672549204824064n
  for (let done = 0; done < lines; ) {
    const records = []
    for (const end = Math.min(lines, done + 10_000); done < end; done++) {
      t += 1_000_003n
      records.push({
        measurement: 'pps_offset',
        tags: { station: stations[done % 5], receiver: `R${done % 3}` },
        fields: { offset: { type: 'float', value: Math.sin(done) * 1e-7 }, count: { type: 'integer', value: BigInt(done) }, locked: { type: 'boolean', value: done % 7 !== 0 } },
        timestamp: t,
      })
    }
    await writer.append(records)
    fs.writeSync(lpFile, `${records.map(encodeLineProtocol).join('\n')}\n`)
  }
  await writer.close()
  fs.closeSync(lpFile)
  return { jsonl, lp }
}

/** POSTs pre-encoded bodies with `parallel` requests in flight; returns seconds. */
async function rawPosts(url, db, bodies, parallel) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: parallel })
  const target = new URL(`${url}/write?${new URLSearchParams({ db, precision: 'ns' })}`)
  const post = (body) =>
    new Promise((resolve, reject) => {
      const req = http.request(target, { method: 'POST', agent, headers: { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) } }, (res) => {
        res.resume()
        res.on('end', () => (res.statusCode === 204 ? resolve() : reject(new Error(`raw POST: HTTP ${res.statusCode}`))))
      })
      req.on('error', reject)
      req.end(body)
    })
  const started = process.hrtime.bigint()
  let next = 0
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < bodies.length) await post(bodies[next++])
    }),
  )
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  agent.destroy()
  return seconds
}

function runChild(...args) {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [fileURLToPath(import.meta.url), ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    proc.stdout.on('data', (c) => (out += c))
    proc.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`replay child exited with ${code}`))))
  })
}

/** Clock ticks per second, the unit of /proc's CPU times: asked once, by the parent only (the children never read /proc). */
let clockTicks
const ticksPerSecond = () => (clockTicks ??= Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100)

/** CPU seconds process `pid` has used (utime + stime in /proc/<pid>/stat), or NaN where /proc cannot tell. */
function cpuSecondsOf(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond()
  } catch {
    return Number.NaN
  }
}

const rate = (n, s) => Math.round(n / s).toLocaleString('en-US')

/**
 * Waits until influxd has finished any work a run left behind (cache snapshots,
 * compactions), so that no timed run pays for the one before it: until it uses
 * under 5% of a CPU over half a second, or for at most 30 s. Returns the seconds
 * waited (so far influxd 1.6.7 was always idle at the first look, 0.5 s).
 */
async function quiesce(pid) {
  const started = Date.now()
  let before = cpuSecondsOf(pid)
  if (Number.isNaN(before)) return 0
  while (Date.now() - started < 30_000) {
    await new Promise((resolve) => setTimeout(resolve, 500))
    const now = cpuSecondsOf(pid)
    if (now - before < 0.025) break
    before = now
  }
  return (Date.now() - started) / 1000
}

async function main() {
  const lines = count(process.argv[2] ?? process.env.REPLAY_BENCH_LINES, 1_000_000)
  const rounds = count(process.env.REPLAY_BENCH_ROUNDS, 3)
  const influxd = which('influxd')
  if (influxd === undefined) {
    console.error('bench/replay.mjs needs influxd (Debian package influxdb): apt-get install -y influxdb')
    process.exit(2)
  }
  const influx = which('influx')
  if (influx === undefined) console.log('(b) will be skipped: `influx` is not installed (Debian package influxdb-client: apt-get install -y influxdb-client)')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-bench-replay-'))
  let server
  try {
    console.log(`replay benchmark: ${lines.toLocaleString('en-US')} lines (3 fields, 2 tags each), InfluxDB 1.x on loopback, best of ${rounds} rounds`)
    const { jsonl, lp } = await makeInputs(dir, lines)
    console.log(`inputs: ${(fs.statSync(jsonl).size / 1e6).toFixed(1)} MB JSONL, ${(fs.statSync(lp).size / 1e6).toFixed(1)} MB LP`)
    // The test suite's influxd (tools/test-support): temporary directory, free loopback ports, the same INFLUXDB_* settings.
    register('./lib/ts-loader.mjs', import.meta.url)
    const { startInfluxDB1 } = await import('@eht-influx-client/test-support')
    server = await startInfluxDB1({ database: 'bench_replay_test' })

    // (a) bodies prepared before any clock starts.
    const all = fs.readFileSync(lp, 'utf8').split('\n').filter(Boolean)
    const bodies = []
    for (let i = 0; i < all.length; i += BATCH) bodies.push(all.slice(i, i + BATCH).join('\n'))
    all.length = 0
    const importFile = path.join(dir, 'import.txt')
    const configFile = path.join(dir, 'config.ini')

    const results = { raw: [], import: [], replay: [], cpu: [], rawClientCpu: [], influxdRawCpu: [], influxdReplayCpu: [] }
    const influxdCpu = () => cpuSecondsOf(server.process.pid)
    let peakRssKb = 0
    const waits = []
    const databases = []
    for (let round = 1; round <= rounds; round++) {
      // Each run into a database of its own, so none overwrites points another wrote.
      const db = (what) => `bench_${what}_${round}_test`
      for (const what of ['raw', 'import', 'replay']) {
        await query(server.url, `CREATE DATABASE ${db(what)}`)
        databases.push(db(what))
      }
      waits.push(await quiesce(server.process.pid))
      let influxdBefore = influxdCpu()
      const clientBefore = process.cpuUsage()
      results.raw.push(await rawPosts(server.url, db('raw'), bodies, 4))
      const client = process.cpuUsage(clientBefore)
      results.rawClientCpu.push((client.user + client.system) / 1e6)
      results.influxdRawCpu.push(influxdCpu() - influxdBefore)
      if (influx !== undefined) {
        fs.writeFileSync(importFile, `# DML\n# CONTEXT-DATABASE: ${db('import')}\n`)
        fs.appendFileSync(importFile, fs.readFileSync(lp))
        waits.push(await quiesce(server.process.pid))
        const started = process.hrtime.bigint()
        const result = spawnSync(influx, ['-host', '127.0.0.1', '-port', String(server.port), '-import', `-path=${importFile}`, '-precision=ns'], { encoding: 'utf8' })
        results.import.push(Number(process.hrtime.bigint() - started) / 1e9)
        if (result.status !== 0) throw new Error(`influx -import failed: ${result.stderr || result.stdout}`)
      }
      fs.writeFileSync(
        configFile,
        ['[client]', 'profile = test', '[server.local]', `url = ${server.url}`, 'api = v1', `bucket = ${db('replay')}`, 'gzip = false', '[spool]', 'dir = spool', '[errors]', 'errors_file = errors.jsonl', ''].join('\n'),
      )
      waits.push(await quiesce(server.process.pid))
      influxdBefore = influxdCpu()
      const replayed = await runChild('--child', configFile, jsonl)
      results.influxdReplayCpu.push(influxdCpu() - influxdBefore)
      if (replayed.summary.accepted !== lines) throw new Error(`the replay reports ${replayed.summary.accepted} accepted of ${lines}: ${JSON.stringify(replayed.summary)}`)
      results.replay.push(replayed.seconds)
      results.cpu.push(replayed.cpuSeconds)
      peakRssKb = Math.max(peakRssKb, replayed.maxRssKb)
      const show = (name, list) => (list.length === 0 ? '' : `${name} ${rate(lines, list.at(-1))}/s  `)
      console.log(`round ${round}: ${show('raw', results.raw)}${show('influx -import', results.import)}${show('replay', results.replay)} (waited for influxd to go idle: ${waits.slice(-3).map((s) => s.toFixed(1)).join(' s, ')} s)`)
    }
    for (const db of databases) {
      const n = await countPoints(server.url, db)
      if (n !== lines) throw new Error(`${db} holds ${n} points, not ${lines}`)
    }
    bodies.length = 0

    const best = (list) => Math.min(...list)
    const median = (list) => [...list].sort((a, b) => a - b)[Math.floor((list.length - 1) / 2)]
    console.log('')
    console.log(`(a) raw LP POSTs, ${BATCH}-line batches, 4 in flight: ${rate(lines, best(results.raw))} points/s`)
    if (results.import.length > 0) console.log(`(b) influx -import of the LP file:              ${rate(lines, best(results.import))} points/s`)
    console.log(`replay of the JSONL logfile (gzip off):        ${rate(lines, best(results.replay))} points/s`)
    console.log(`(every database checked: all ${lines.toLocaleString('en-US')} points in each)`)
    console.log('')
    console.log(`replay / raw limit:       ${(best(results.raw) / best(results.replay)).toFixed(2)}x   (goal >= 0.80x)`)
    if (results.import.length > 0) console.log(`replay / influx -import:  ${(best(results.import) / best(results.replay)).toFixed(2)}x   (goal > 1x)`)
    // The best of each run can be a lucky one (influxd's own work, such as compactions, varies between runs): the medians too.
    const medianRatios = [`${(median(results.raw) / median(results.replay)).toFixed(2)}x the raw limit`]
    if (results.import.length > 0) medianRatios.push(`${(median(results.import) / median(results.replay)).toFixed(2)}x influx -import`)
    console.log(`median of the rounds:     replay ${rate(lines, median(results.replay))}/s, ${medianRatios.join(', ')}`)
    // Each round's replay against the raw POSTs of the same round, a minute apart: the machine's speed drifts between rounds.
    const paired = results.raw.map((raw, i) => raw / results.replay[i])
    console.log(`round by round:           replay / raw of the same round ${paired.map((r) => `${r.toFixed(2)}x`).join(' ')}, median ${median(paired).toFixed(2)}x`)
    const m = (list) => median(list).toFixed(2)
    if (!Number.isNaN(median(results.influxdRawCpu))) {
      const allowed = (median(results.influxdRawCpu) + median(results.rawClientCpu)) / (median(results.influxdReplayCpu) + median(results.cpu))
      console.log(`CPU time, medians:        raw: influxd ${m(results.influxdRawCpu)} s + client ${m(results.rawClientCpu)} s; replay: influxd ${m(results.influxdReplayCpu)} s + replay ${m(results.cpu)} s`)
      console.log(`                          (${os.cpus().length} CPUs) where these keep every CPU busy, the replay can reach ${allowed.toFixed(2)}x the raw limit`)
    }
    console.log(`replay peak RSS:          ${(peakRssKb / 1024).toFixed(0)} MB   (goal < 150 MB)`)
    const reading = await runChild('--child-read', jsonl, 'transcode')
    const viaRecords = await runChild('--child-read', jsonl, 'records')
    if (reading.bytes !== viaRecords.bytes) throw new Error(`transcoding gave ${reading.bytes} bytes of line protocol, decode + encode ${viaRecords.bytes}`)
    console.log(`replay CPU time:          ${best(results.cpu).toFixed(2)} s, of which ${reading.cpuSeconds.toFixed(2)} s is logfile reading the JSONL and transcoding it to line protocol (measured alone; through records: ${viaRecords.cpuSeconds.toFixed(2)} s)`)
  } finally {
    await server?.stop()
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[2] === '--child') {
  await child(process.argv[3], process.argv[4])
} else if (process.argv[2] === '--child-read') {
  await childRead(process.argv[3], process.argv[4])
} else {
  await main()
}
