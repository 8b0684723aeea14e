// Cold start of the built `eht-influx-client` command against `node -e 0`,
// measured in the same run, interleaved (baseline, print-config, --help in
// each round) so that both see the same machine load.
//
//   node bench/cli-startup.mjs [RUNS]      (or BENCH_RUNS=N; default 40)
//
// Each run is a fresh `node` process whose output goes to a pipe; the figure is
// the wall time from spawn to exit. Median, min and max are printed, and the
// ratio of medians against the goal (print-config at most 3x `node -e 0`).
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const RUNS = count(process.argv[2] ?? process.env.BENCH_RUNS, 40)
const GOAL = 3

function count(text, fallback) {
  if (text === undefined || text === '') return fallback
  const n = Number(text)
  if (!Number.isSafeInteger(n) || n < 1) {
    console.error(`bench/cli-startup.mjs: the number of runs must be a positive whole number, got ${JSON.stringify(text)}`)
    process.exit(2)
  }
  return n
}

const manifestPath = fileURLToPath(import.meta.resolve('@eht-influx-client/cli/package.json'))
const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'))
const bin = path.join(path.dirname(manifestPath), manifest.bin['eht-influx-client'])
if (!fs.existsSync(bin)) {
  console.error(`bench/cli-startup.mjs: ${bin} is missing; run pnpm build first`)
  process.exit(2)
}

// A clean place: no configuration file, no EHT_* variables, a HOME of its own.
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-bench-cli-'))
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('EHT_')))
env.HOME = work

const cases = [
  { name: 'node -e 0', args: ['-e', '0'] },
  { name: 'eht-influx-client print-config', args: [bin, 'print-config'] },
  { name: 'eht-influx-client --help', args: [bin, '--help'] },
]

function once(args) {
  const started = process.hrtime.bigint()
  const result = spawnSync(process.execPath, args, { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'] })
  const ms = Number(process.hrtime.bigint() - started) / 1e6
  if (result.status !== 0) {
    console.error(`bench/cli-startup.mjs: node ${args.join(' ')} exited ${result.status}:\n${result.stderr}`)
    process.exit(1)
  }
  return ms
}

const times = cases.map(() => [])
for (let i = 0; i < 3; i++) for (const c of cases) once(c.args) // warm the file cache
for (let round = 0; round < RUNS; round++) cases.forEach((c, i) => times[i].push(once(c.args)))
fs.rmSync(work, { recursive: true, force: true })

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
const base = median(times[0])
console.log(`cold start, ${RUNS} runs each, node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'}`)
console.log(`${'command'.padEnd(34)} ${'median'.padStart(9)} ${'min'.padStart(9)} ${'max'.padStart(9)}  ratio`)
cases.forEach((c, i) => {
  const m = median(times[i])
  const fmt = (v) => `${v.toFixed(1)} ms`.padStart(9)
  console.log(`${c.name.padEnd(34)} ${fmt(m)} ${fmt(Math.min(...times[i]))} ${fmt(Math.max(...times[i]))}  ${(m / base).toFixed(2)}x`)
})
const ratio = median(times[1]) / base
console.log(`print-config: ${ratio.toFixed(2)}x node -e 0 (goal: at most ${GOAL}x) ${ratio <= GOAL ? 'met' : 'NOT met'}`)
