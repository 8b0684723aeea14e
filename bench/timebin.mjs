// Speed of @eht-influx-client/timebin against the original Python TimeBin
// (bench/timebin_reference.py), both fed the same points in the same run.
//
//   node bench/timebin.mjs [POINTS]       (or BENCH_POINTS=N; default 10 000 000)
//   BENCH_PYTHON_POINTS=N                  Python gets the first N of the same points
//                                          (default 2 000 000, to keep it under a minute)
//
// Two scenarios, each with getTuples() after every point as in the seed loop:
// "seed loop" (one point every 1.01-1.10 s, 1 s bins: nearly every point finishes
// a bin) and "10 Hz" (ten points a second, 1 s bins). Rates are the best of 3 runs
// on each side; the ratio compares rates. Python's tuples are then checked
// against ours, bin by bin, on the points it was given: they differ only where a
// point lies within rounding of a bin boundary, which timebin takes as exactly on it.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { TimeBin } from '@eht-influx-client/timebin'

const here = path.dirname(fileURLToPath(import.meta.url))
const POINTS = count(process.argv[2] ?? process.env.BENCH_POINTS, 10_000_000, process.argv[2] === undefined ? 'BENCH_POINTS' : 'the number of points')
const PYTHON_POINTS = Math.min(POINTS, count(process.env.BENCH_PYTHON_POINTS, 2_000_000, 'BENCH_PYTHON_POINTS'))
const REPEATS = 3
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
  const started = process.hrtime.bigint()
  for (let i = 0; i < n; i++) {
    tb.point(pairs[2 * i], pairs[2 * i + 1])
    tuples += tb.getTuples().length
  }
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, tuples }
}

function runPython(file, width, tuplesFile) {
  const script = path.join(here, 'timebin_reference.py')
  const result = spawnSync('python3', [script, file, String(width), String(REPEATS), tuplesFile], { encoding: 'utf8' })
  if (result.error) throw new Error(`could not run python3 (${result.error.message}); the baseline needs python3 on PATH`)
  if (result.status !== 0) throw new Error(`python3 ${script} failed with ${result.status}:\n${result.stderr}`)
  return JSON.parse(result.stdout.trim().split('\n').at(-1))
}

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

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-timebin-bench-'))
let belowGoal = false
try {
  console.log(`timebin: node ${process.version} against the original algorithm in python3, best of ${REPEATS} runs each`)
  for (const scenario of SCENARIOS) {
    const pairs = makePoints(POINTS, scenario.step)
    console.log(`\n${scenario.name}: ${scenario.describe}, ${scenario.width} s bins, getTuples() after every point`)

    let best = runOurs(pairs, POINTS, scenario.width)
    for (let r = 1; r < REPEATS; r++) {
      const run = runOurs(pairs, POINTS, scenario.width)
      if (run.seconds < best.seconds) best = run
    }
    const oursRate = POINTS / best.seconds
    console.log(`  @eht-influx-client/timebin  ${grouped(POINTS)} points in ${best.seconds.toFixed(3)} s: ${rate(POINTS, best.seconds)} (${grouped(best.tuples)} bins)`)

    const pointsFile = path.join(dir, 'points.f64')
    const tuplesFile = path.join(dir, 'tuples.f64')
    fs.writeFileSync(pointsFile, pairs.subarray(0, 2 * PYTHON_POINTS))
    const py = runPython(pointsFile, scenario.width, tuplesFile)
    const subset = PYTHON_POINTS < POINTS ? ` (the first ${grouped(PYTHON_POINTS)} of the same points)` : ''
    console.log(`  original, python3           ${grouped(py.points)} points in ${py.seconds.toFixed(3)} s: ${rate(py.points, py.seconds)}${subset}`)

    const ratio = oursRate / (py.points / py.seconds)
    if (ratio < GOAL) belowGoal = true
    console.log(`  ratio: ${ratio.toFixed(1)}x the Python rate (goal: at least ${GOAL}x)${ratio < GOAL ? '  BELOW GOAL' : ''}`)

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
