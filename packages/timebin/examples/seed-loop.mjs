// The seed's TimeBin loop: a random value from 1 to 10 about once a second (one
// second plus value/100 s of jitter), printing the finished 1 s bins as they come.
//
//   node examples/seed-loop.mjs [--points N] [--start T] [--seed S] [--realtime]
//
// By default the clock is simulated: the waits are added to the time instead of
// slept, starting at --start (default: now), so the script ends at once. With
// --realtime it reads the clock and sleeps, like the original. --seed makes the
// values repeatable. At the end, flush() prints the last, partly covered bin.
import { setTimeout as sleep } from 'node:timers/promises'
import { parseArgs } from 'node:util'
import { TimeBin } from '@eht-influx-client/timebin'

function fail(message) {
  console.error(`seed-loop: ${message}`)
  process.exit(2)
}

function numberOption(values, name, check, what) {
  const text = values[name]
  if (text === undefined) return undefined
  const n = Number(text)
  if (text.trim() === '' || !check(n)) fail(`--${name} must be ${what}, got ${JSON.stringify(text)}`)
  return n
}

let values
try {
  ;({ values } = parseArgs({
    options: {
      points: { type: 'string' },
      start: { type: 'string' },
      seed: { type: 'string' },
      realtime: { type: 'boolean', default: false },
    },
  }))
} catch (error) {
  fail(error.message)
}
const points = numberOption(values, 'points', (n) => Number.isSafeInteger(n) && n > 0, 'a positive whole number') ?? 10
const start = numberOption(values, 'start', Number.isFinite, 'a time in seconds since the epoch')
const seed = numberOption(values, 'seed', Number.isSafeInteger, 'a whole number')
if (values.realtime && start !== undefined) fail('--start is for the simulated clock; --realtime reads the real one')

/** Math.random, or a seeded generator (mulberry32) with --seed. */
function generator(seed) {
  if (seed === undefined) return Math.random
  let state = seed | 0
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let x = Math.imul(state ^ (state >>> 15), 1 | state)
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}
const random = generator(seed)

const tb = new TimeBin(1.0) // 1.0 second bins is the default
let now = start ?? Date.now() / 1000
for (let count = 0; count < points; count++) {
  const datapoint = 1 + Math.floor(random() * 10)
  tb.point(values.realtime ? Date.now() / 1000 : now, datapoint)
  const tuples = tb.getTuples()
  if (tuples.length > 0) console.log(JSON.stringify(tuples)) // [[t, value]] where times are exactly 1.0 s apart
  const wait = 1.0 + datapoint * 0.01
  if (values.realtime) await sleep(wait * 1000)
  else now += wait
}
console.log(`flush: ${JSON.stringify(tb.flush())}`)
