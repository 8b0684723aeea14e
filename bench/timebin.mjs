// Speed of @eht-influx-client/timebin against the original Python TimeBin
// (bench/timebin_reference.py), both fed the same points in the same run.
//
//   node bench/timebin.mjs [POINTS]       (or BENCH_POINTS=N; default 10 000 000)
//   BENCH_PYTHON_POINTS=N                  Python gets the first N of the same points
//                                          (default 2 000 000, to keep it under a minute)
//
// Two scenarios, each with getTuples() after every point as in the seed loop:
// "seed loop" (one point every 1.01-1.10 s, 1 s bins: nearly every point finishes
// a bin) and "10 Hz" (ten points a second, 1 s bins). Both sides get the same
// points and the same loop, timed around the loop only. Node first runs the
// scenario once on its first million points, untimed, so that V8 has compiled
// it; then the two sides take turns, five timed runs each (a fresh python3
// process per run), so that both see the same load on a shared machine. Each
// rate is the best of its runs, by wall-clock time and, as a check that other
// processes did not decide the ratio, by the process's CPU time (for node that
// includes V8's own GC and compiler threads). Python's tuples are then checked
// against ours, bin by bin, on the points it was given: they differ only where
// a point lies within rounding of a bin boundary, which timebin takes as exactly on it.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { TimeBin } from '@eht-influx-client/timebin'

const here = path.dirname(fileURLToPath(import.meta.url))
const POINTS = count(process.argv[2] ?? process.env.BENCH_POINTS, 10_000_000, process.argv[2] === undefined ? 'BENCH_POINTS' : 'the number of points')
const PYTHON_POINTS = Math.min(POINTS, count(process.env.BENCH_PYTHON_POINTS, 2_000_000, 'BENCH_PYTHON_POINTS'))
const REPEATS = 5
const WARMUP_POINTS = 1_000_000
const GOAL = 30
const SCENARIOS = [
  { name: 'seed loop', width: 1, step: 1, describe: 'one point every 1.01-1.10 s' },
  { name: '10 Hz', width: 1, step: 0.1, describe: 'one point every 0.101-0.110 s' },
]

function count(text, fallback, name) {
  if (text === undefined || text === '') return fallback
  const n = Number(text)
  if (!Number.isSafeInteger(n) || n < 1) {
    console.error(`bench/timebin.mjs: ${name} must be a positive whole number of points, got ${JSON.stringify(text)}`)
    process.exit(2)
  }
  return n
}

/** The seed loop's points: values 1..10 at random, each followed by a wait of step * (1 + value / 100). */
function makePoints(n, step) {
  const pairs = new Float64Array(2 * n)
  let seed = 0x5eed
  let t = 1_700_000_000.25
  for (let i = 0; i < n; i++) {
    seed = (seed * 48271) % 2147483647
    const value = 1 + (seed % 10)
    pairs[2 * i] = t
    pairs[2 * i + 1] = value
    t += step * (1 + value / 100)
  }
  return pairs
}

function runOurs(pairs, n, width) {
  globalThis.gc?.()
  const tb = new TimeBin(width)
  let tuples = 0
  const cpuStarted = process.cpuUsage()
  const started = process.hrtime.bigint()
  for (let i = 0; i < n; i++) {
    tb.point(pairs[2 * i], pairs[2 * i + 1])
    tuples += tb.getTuples().length
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  const cpu = process.cpuUsage(cpuStarted)
  return { points: n, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, tuples }
}

/** One timed run of the original in a fresh python3; with tuplesFile, it also writes its tuples there. */
function runPython(file, width, tuplesFile) {
  const script = path.join(here, 'timebin_reference.py')
  const args = [script, file, String(width), '1', ...(tuplesFile ? [tuplesFile] : [])]
  const result = spawnSync('python3', args, { encoding: 'utf8' })
  if (result.error) throw new Error(`could not run python3 (${result.error.message}); the baseline needs python3 on PATH`)
  if (result.status !== 0) throw new Error(`python3 ${script} failed with ${result.status}:\n${result.stderr}`)
  return JSON.parse(result.stdout.trim().split('\n').at(-1))
}

/** The best wall-clock and the best CPU time of two runs (each may come from a different run). */
const best = (a, b) => (a === undefined ? b : { ...a, seconds: Math.min(a.seconds, b.seconds), cpuSeconds: Math.min(a.cpuSeconds, b.cpuSeconds) })

/** Compares Python's tuples with ours for the same points, bin by bin. */
function compare(pairs, n, width, tuplesFile) {
  const tb = new TimeBin(width)
  for (let i = 0; i < n; i++) tb.point(pairs[2 * i], pairs[2 * i + 1])
  const ours = tb.getTuples()
  const buffer = fs.readFileSync(tuplesFile)
  const theirs = new Float64Array(buffer.buffer, buffer.byteOffset, buffer.byteLength / 8)
  let startDiff = 0
  let valueDiff = 0
  for (let i = 0; i < Math.min(ours.length, theirs.length / 2); i++) {
    startDiff = Math.max(startDiff, Math.abs(ours[i][0] - theirs[2 * i]))
    valueDiff = Math.max(valueDiff, Math.abs(ours[i][1] - theirs[2 * i + 1]))
  }
  return { bins: ours.length, pythonBins: theirs.length / 2, startDiff, valueDiff }
}

const rate = (points, seconds) => `${(points / seconds / 1e6).toFixed(2)} M points/s`
const grouped = (n) => n.toLocaleString('en-US')
const timing = (run) => `${grouped(run.points)} points in ${run.seconds.toFixed(3)} s: ${rate(run.points, run.seconds)} (CPU time ${run.cpuSeconds.toFixed(3)} s: ${rate(run.points, run.cpuSeconds)})`

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-timebin-bench-'))
let belowGoal = false
try {
  console.log(`timebin: node ${process.version} against the original algorithm in python3, best of ${REPEATS} runs each, taking turns`)
  for (const scenario of SCENARIOS) {
    const pairs = makePoints(POINTS, scenario.step)
    console.log(`\n${scenario.name}: ${scenario.describe}, ${scenario.width} s bins, getTuples() after every point`)

    const pointsFile = path.join(dir, 'points.f64')
    const tuplesFile = path.join(dir, 'tuples.f64')
    fs.writeFileSync(pointsFile, pairs.subarray(0, 2 * PYTHON_POINTS))
    runOurs(pairs, Math.min(POINTS, WARMUP_POINTS), scenario.width)
    let ours
    let py
    for (let r = 0; r < REPEATS; r++) {
      ours = best(ours, runOurs(pairs, POINTS, scenario.width))
      py = best(py, runPython(pointsFile, scenario.width, r === 0 ? tuplesFile : undefined))
    }
    console.log(`  @eht-influx-client/timebin  ${timing(ours)} (${grouped(ours.tuples)} bins)`)
    const subset = PYTHON_POINTS < POINTS ? ` (the first ${grouped(PYTHON_POINTS)} of the same points)` : ''
    console.log(`  original, python3           ${timing(py)}${subset}`)

    const ratio = (ours.points / ours.seconds) / (py.points / py.seconds)
    const cpuRatio = (ours.points / ours.cpuSeconds) / (py.points / py.cpuSeconds)
    if (ratio < GOAL) belowGoal = true
    console.log(
      `  ratio: ${ratio.toFixed(1)}x the Python rate (by CPU time ${cpuRatio.toFixed(1)}x; goal: at least ${GOAL}x)${ratio < GOAL ? '  BELOW GOAL' : ''}`,
    )

    const check = compare(pairs, PYTHON_POINTS, scenario.width, tuplesFile)
    const same = check.bins === check.pythonBins
    console.log(
      `  same results on the Python points: ${same ? `${grouped(check.bins)} bins on both sides` : `DIFFERENT bin counts, ours ${check.bins}, python ${check.pythonBins}`}, ` +
        `largest difference in bin start ${check.startDiff}, in value ${check.valueDiff.toExponential(1)}` +
        (check.valueDiff > 0 ? ' (from points within rounding of a boundary, which timebin takes as exactly on it)' : ''),
    )
    if (!same) process.exitCode = 1
  }
  if (belowGoal) console.log('\nat least one scenario is below the 30x goal')
} finally {
  fs.rmSync(dir, { recursive: true, force: true })
}
