// Throughput of `eht-influx-client write --file` (the full writer with the
// built-in default: logfile only) against `eht-influx-client convert` of the
// same file to the same JSONL format, measured in the same run: convert reads,
// decodes and writes the same points without the writer, so the ratio is what
// the writer path (validation, pipeline, logfile writer with fsync) costs.
//
//   node bench/cli-write.mjs [POINTS]      (or BENCH_POINTS=N; default 500000)
//
// Each command is a fresh process; the figure is the wall time from spawn to
// exit (start-up included), best of 3 interleaved rounds.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const POINTS = count(process.argv[2] ?? process.env.BENCH_POINTS, 500_000)
const ROUNDS = 3

function count(text, fallback) {
  if (text === undefined || text === '') return fallback
  const n = Number(text)
  if (!Number.isSafeInteger(n) || n < 1) {
    console.error(`bench/cli-write.mjs: the number of points must be a positive whole number, got ${JSON.stringify(text)}`)
    process.exit(2)
  }
  return n
}

const manifestPath = fileURLToPath(import.meta.resolve('@eht-influx-client/cli/package.json'))
const bin = path.join(path.dirname(manifestPath), JSON.parse(fs.readFileSync(manifestPath, 'utf8')).bin['eht-influx-client'])
if (!fs.existsSync(bin)) {
  console.error(`bench/cli-write.mjs: ${bin} is missing; run pnpm build first`)
  process.exit(2)
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-bench-cli-write-'))
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('EHT_')))
env.HOME = work

// A station's monitoring: three measurements a second, every field type, ns timestamps above 2^53.
const input = path.join(work, 'station.lp')
const out = fs.openSync(input, 'w')
let chunk = ''
const start = 1617672549204824064n
for (let i = 0; i < POINTS; i++) {
  const t = start + BigInt(Math.floor(i / 3)) * 1_000_000_000n
  if (i % 3 === 0) chunk += `pps_offset,source=gps,station=Kp offset_ns=${((i % 97) / 8 - 6).toString()} ${t}\n`
  else if (i % 3 === 1) chunk += `maser,station=Kp lock_count=${7 + (i % 3)}i,locked=true,temperature_c=${(45 + (i % 100) / 100).toFixed(2)} ${t}\n`
  else chunk += `recorder,station=Kp,unit=Mark6 state="recording scan ${i}",bytes_free=${1e12 - i}i ${t}\n`
  if (chunk.length > 1 << 20) {
    fs.writeSync(out, chunk)
    chunk = ''
  }
}
fs.writeSync(out, chunk)
fs.closeSync(out)
const inputBytes = fs.statSync(input).size

function run(name, args) {
  const cwd = fs.mkdtempSync(path.join(work, `${name}-`))
  const started = process.hrtime.bigint()
  const result = spawnSync(process.execPath, [bin, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' })
  const ms = Number(process.hrtime.bigint() - started) / 1e6
  if (result.status !== 0) {
    console.error(`bench/cli-write.mjs: eht-influx-client ${args.join(' ')} exited ${result.status}:\n${result.stderr}`)
    process.exit(1)
  }
  fs.rmSync(cwd, { recursive: true, force: true })
  return ms
}

const cases = [
  { name: 'convert', label: `convert station.lp -o out.jsonl (baseline)`, args: [ 'convert', input, '-o', 'out.jsonl', '--quiet'] },
  { name: 'write', label: 'write --file station.lp (logfile only)', args: ['write', '--file', input, '--quiet'] },
]
const best = cases.map(() => Infinity)
for (let round = 0; round < ROUNDS; round++) cases.forEach((c, i) => (best[i] = Math.min(best[i], run(c.name, c.args))))
fs.rmSync(work, { recursive: true, force: true })

console.log(`${POINTS.toLocaleString('en')} points (${(inputBytes / 1e6).toFixed(1)} MB of line protocol), best of ${ROUNDS}, node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'}`)
cases.forEach((c, i) => {
  const rate = (POINTS * 1000) / best[i]
  console.log(`${c.label.padEnd(48)} ${`${best[i].toFixed(0)} ms`.padStart(9)}  ${Math.round(rate).toLocaleString('en').padStart(10)} points/s`)
})
console.log(`write / convert: ${(best[1] / best[0]).toFixed(2)}x the time`)
