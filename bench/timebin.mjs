// Speed of @eht-influx-client/timebin against the original Python TimeBin
// (bench/timebin_reference.py: the station scripts' class, operation for
// operation), both fed the same points in the same run.
//
//   node bench/timebin.mjs [POINTS]       (or BENCH_POINTS=N; default 10 000 000)
//   BENCH_PYTHON_POINTS=N                  give Python only the first N of the same points
//                                          (default: all of them; the ratio then compares rates)
//
// Two scenarios, each with getTuples() after every point as in the seed loop:
// "seed loop" (one point every 1.01-1.10 s, 1 s bins: nearly every point finishes
// a bin) and "10 Hz" (ten points a second, 1 s bins). Both sides get the same
// pre-made points (node from a Float64Array, Python from lists of float tuples
// made outside its timer) and the same loop, timed around the loop only. The two
// sides take turns, five timed runs each (a fresh python3 process per run), so
// that both see the same load on a shared machine. Before each timed run, each
// side runs the loop untimed over the first million points on a throwaway
// TimeBin: V8 compiles it (a full GC throws the compiled code away when the
// TimeBin it ran on dies, so this follows the GC), and CPython specialises its
// bytecode. Each rate is the best of its runs, by wall-clock time and, as a
// check that other processes did not decide the ratio, by the process's CPU time
// (for node that includes V8's own GC and compiler threads). Python's tuples are
// then checked against ours, bin by bin: they differ only where a point lies
// within rounding of a bin boundary, which timebin takes as exactly on it.
//
// The headline ratio is TimeBin's point()/getTuples() against the original. An
// extra line gives the API floor, measured the same way: ApiFloor hands out the
// same tuples for the same points with no bookkeeping, so the difference between
// its time per point and ours is TimeBin's own work.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { TimeBin } from '@eht-influx-client/timebin'

const here = path.dirname(fileURLToPath(import.meta.url))
const POINTS = count(process.argv[2] ?? process.env.BENCH_POINTS, 10_000_000, process.argv[2] === undefined ? 'BENCH_POINTS' : 'the number of points')
const PYTHON_POINTS = Math.min(POINTS, count(process.env.BENCH_PYTHON_POINTS, POINTS, 'BENCH_PYTHON_POINTS'))
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

/** The seed's loop over pre-made points: a point, then its tuples; returns how many tuples. */
function seedLoop(tb, pairs, n) {
  let tuples = 0
  for (let i = 0; i < n; i++) {
    tb.point(pairs[2 * i], pairs[2 * i + 1])
    tuples += tb.getTuples().length
  }
  return tuples
}

/**
 * The same loop for ApiFloor, as a function of its own: a station script calls
 * point() and getTuples() on TimeBin alone, and one loop shared by both
 * classes would make V8 compile its calls for two shapes (slower for both).
 */
function floorLoop(floor, pairs, n) {
  let tuples = 0
  for (let i = 0; i < n; i++) {
    floor.point(pairs[2 * i], pairs[2 * i + 1])
    tuples += floor.getTuples().length
  }
  return tuples
}

/** One timed run of seedLoop on a fresh TimeBin, after a GC and an untimed warm-up. */
function runOurs(pairs, n, width) {
  globalThis.gc?.()
  seedLoop(new TimeBin(width), pairs, Math.min(n, WARMUP_POINTS))
  const tb = new TimeBin(width)
  const cpuStarted = process.cpuUsage()
  const started = process.hrtime.bigint()
  const tuples = seedLoop(tb, pairs, n)
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  const cpu = process.cpuUsage(cpuStarted)
  return { points: n, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, tuples }
}

/**
 * Not a TimeBin: the least any implementation of this API has to do in the seed
 * loop, to show how much of our time the API itself asks for. It hands out the
 * same arrays (a new [binStart, value] tuple per finished bin, in a new array per
 * getTuples() call, the first bin kept as numbers until then, as TimeBin does)
 * for the same points, but keeps no exact bin bounds, checks nothing, and its
 * values are not the bins' averages.
 */
class ApiFloor {
  constructor(width) {
    this.width = width
    this.start = Number.NaN
    this.end = Number.NaN
    this.count = 0
    this.firstStart = Number.NaN
    this.firstValue = Number.NaN
    this.more = []
  }

  point(t, value) {
    if (!(t < this.end)) {
      if (Number.isNaN(this.end)) this.end = Math.floor(t / this.width) * this.width + this.width
      else this.finishUpTo(t, value)
    }
  }

  finishUpTo(t, value) {
    while (t >= this.end) {
      if (this.count++ === 0) {
        this.firstStart = this.end - this.width
        this.firstValue = value
      } else if (this.count === 2) this.more = [[this.firstStart, this.firstValue], [this.end - this.width, value]]
      else this.more.push([this.end - this.width, value])
      this.end += this.width
    }
  }

  getTuples() {
    const count = this.count
    if (count === 0) return []
    this.count = 0
    if (count === 1) return [[this.firstStart, this.firstValue]]
    return this.more
  }
}

/** One timed run of floorLoop on an ApiFloor, after a GC and an untimed warm-up, as runOurs. */
function runFloor(pairs, n, width) {
  globalThis.gc?.()
  floorLoop(new ApiFloor(width), pairs, Math.min(n, WARMUP_POINTS))
  const floor = new ApiFloor(width)
  const cpuStarted = process.cpuUsage()
  const started = process.hrtime.bigint()
  const tuples = floorLoop(floor, pairs, n)
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  const cpu = process.cpuUsage(cpuStarted)
  return { points: n, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, tuples }
}

/** One timed run of the original in a fresh python3; with tuplesFile, it also writes its tuples there. */
function runPython(file, width, tuplesFile) {
  const script = path.join(here, 'timebin_reference.py')
  const args = [script, file, String(width), '1', String(WARMUP_POINTS), ...(tuplesFile ? [tuplesFile] : [])]
  const result = spawnSync('python3', args, { encoding: 'utf8' })
  if (result.error) throw new Error(`could not run python3 (${result.error.message}); the baseline needs python3 on PATH`)
  if (result.status !== 0) throw new Error(`python3 ${script} failed with ${result.status}:\n${result.stderr}`)
  return JSON.parse(result.stdout.trim().split('\n').at(-1))
}

/** The best wall-clock and the best CPU time of two runs (each may come from a different run). */
const best = (a, b) => (a === undefined ? b : { ...a, seconds: Math.min(a.seconds, b.seconds), cpuSeconds: Math.min(a.cpuSeconds, b.cpuSeconds) })

/** Compares Python's tuples with ours for the same points, bin by bin, as they come. */
function compare(pairs, n, width, tuplesFile) {
  const buffer = fs.readFileSync(tuplesFile)
  const theirs = new Float64Array(buffer.buffer, buffer.byteOffset, buffer.byteLength / 8)
  const pythonBins = theirs.length / 2
  const tb = new TimeBin(width)
  let bins = 0
  let startDiff = 0
  let valueDiff = 0
  for (let i = 0; i < n; i++) {
    tb.point(pairs[2 * i], pairs[2 * i + 1])
    for (const [start, value] of tb.getTuples()) {
      if (bins < pythonBins) {
        startDiff = Math.max(startDiff, Math.abs(start - theirs[2 * bins]))
        valueDiff = Math.max(valueDiff, Math.abs(value - theirs[2 * bins + 1]))
      }
      bins += 1
    }
  }
  return { bins, pythonBins, startDiff, valueDiff }
}

const rate = (points, seconds) => `${(points / seconds / 1e6).toFixed(2)} M points/s`
const grouped = (n) => n.toLocaleString('en-US')
const timing = (run) => `${grouped(run.points)} points in ${run.seconds.toFixed(3)} s: ${rate(run.points, run.seconds)} (CPU time ${run.cpuSeconds.toFixed(3)} s: ${rate(run.points, run.cpuSeconds)})`

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-timebin-bench-'))
let belowGoal = false
try {
  console.log(`timebin: node ${process.version} against the original TimeBin in python3, best of ${REPEATS} runs each, taking turns`)
  for (const scenario of SCENARIOS) {
    const pairs = makePoints(POINTS, scenario.step)
    console.log(`\n${scenario.name}: ${scenario.describe}, ${scenario.width} s bins, getTuples() after every point`)

    const pointsFile = path.join(dir, 'points.f64')
    const tuplesFile = path.join(dir, 'tuples.f64')
    fs.writeFileSync(pointsFile, pairs.subarray(0, 2 * PYTHON_POINTS))
    let ours
    let py
    let floor
    for (let r = 0; r < REPEATS; r++) {
      ours = best(ours, runOurs(pairs, POINTS, scenario.width))
      py = best(py, runPython(pointsFile, scenario.width, r === 0 ? tuplesFile : undefined))
    }
    for (let r = 0; r < REPEATS; r++) floor = best(floor, runFloor(pairs, POINTS, scenario.width))
    console.log(`  @eht-influx-client/timebin  ${timing(ours)} (${grouped(ours.tuples)} bins)`)
    const subset = PYTHON_POINTS < POINTS ? ` (the first ${grouped(PYTHON_POINTS)} of the same points)` : ''
    console.log(`  original, python3           ${timing(py)}${subset}`)

    const ratio = (ours.points / ours.seconds) / (py.points / py.seconds)
    const cpuRatio = (ours.points / ours.cpuSeconds) / (py.points / py.cpuSeconds)
    if (ratio < GOAL) belowGoal = true
    console.log(
      `  ratio: ${ratio.toFixed(1)}x the Python rate (by CPU time ${cpuRatio.toFixed(1)}x; goal: at least ${GOAL}x)${ratio < GOAL ? '  BELOW GOAL' : ''}`,
    )

    const floorRatio = (floor.points / floor.seconds) / (py.points / py.seconds)
    const nanoseconds = (run) => ((run.seconds / run.points) * 1e9).toFixed(1)
    console.log(
      `  (the API floor: handing out the same tuples with no bookkeeping runs ${rate(floor.points, floor.seconds)}, ${floorRatio.toFixed(1)}x the Python rate; ` +
        `per point ${nanoseconds(floor)} ns of our ${nanoseconds(ours)} ns, against Python's ${nanoseconds(py)} ns)`,
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
