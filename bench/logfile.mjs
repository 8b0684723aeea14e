// Benchmark of @eht-influx-client/logfile: encode + append and read, per format,
// each next to a baseline measured in the same run (pre-encoded lines appended
// with fs; the same file's lines only counted), with the goals of issue #5 beside
// the figures, and the least time V8's String() takes to print the records'
// numbers (a floor for any encoder in JS). Each case runs LOGFILE_BENCH_RUNS times (default 3); the machine
// may be shared, so compare ratios, and look at the spread. Run after `pnpm build`:
//   node bench/logfile.mjs            1,000,000 records per format
//   LOGFILE_BENCH_RECORDS=20000 node bench/logfile.mjs    (or: node bench/logfile.mjs 20000)
//   LOGFILE_BENCH_DIST=/path/to/logfile/dist node bench/logfile.mjs    (another build, e.g. to compare before/after)
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'

const lib = process.env.LOGFILE_BENCH_DIST === undefined ? await import('@eht-influx-client/logfile') : await import(pathToFileURL(path.join(process.env.LOGFILE_BENCH_DIST, 'index.js')).href)
const { CsvEncoder, encodeJsonl, encodeLineProtocol, openLogWriter, readLogFile } = lib

const RECORDS = Number(process.env.LOGFILE_BENCH_RECORDS ?? process.argv[2] ?? 1_000_000)
const BATCH = 1000
const POOL = 10_000
const RUNS = Number(process.env.LOGFILE_BENCH_RUNS ?? 3)
const APPEND_GOAL = 0.5 // encode + append at least half the raw limit
const READ_GOAL = 1_000_000 // JSONL and CSV read at least 1 M records/s
if (!Number.isSafeInteger(RECORDS) || RECORDS < BATCH) throw new Error(`record count must be an integer >= ${BATCH}, got ${RECORDS}`)

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-logfile-bench-'))
const t0 = 1_700_000_000_000_000_000n

// A pool of realistic station records (encoding cost depends on content, not on object creation).
function makeRecord(i) {
  const kind = i % 3
  const timestamp = t0 + BigInt(i) * 1_000_000n
  if (kind === 0) return { measurement: 'pps_offset', tags: { station: 'Kp', host: 'recorder1' }, fields: { offset_ns: { type: 'integer', value: BigInt((i % 200) - 100) }, locked: { type: 'boolean', value: i % 7 !== 0 } }, timestamp }
  if (kind === 1) return { measurement: 'maser', tags: { station: 'Kp', unit: 'H-maser 2' }, fields: { temperature: { type: 'float', value: 21.5 + (i % 1000) / 997 }, voltage: { type: 'float', value: 12.000123 + i / 1e7 } }, timestamp }
  return { measurement: 'weather', tags: { station: 'Kp' }, fields: { wind_ms: { type: 'float', value: (i % 300) / 10 }, summary: { type: 'string', value: i % 5 === 0 ? 'gusty, "cold"' : 'clear' }, pressure: { type: 'unsigned', value: 70000n + BigInt(i % 500) } }, timestamp }
}
const pool = Array.from({ length: POOL }, (_, i) => makeRecord(i))
const batches = Array.from({ length: POOL / BATCH }, (_, b) => pool.slice(b * BATCH, (b + 1) * BATCH))

function preEncoded(format) {
  if (format === 'csv') {
    const encoder = new CsvEncoder()
    return batches.map((batch) => Buffer.from(encoder.encode(batch)))
  }
  const line = format === 'jsonl' ? encodeJsonl : encodeLineProtocol
  return batches.map((batch) => Buffer.from(batch.map((r) => `${line(r)}\n`).join('')))
}

async function rawAppend(file, buffers, count) {
  const handle = await fs.promises.open(file, 'a')
  const start = process.hrtime.bigint()
  for (let i = 0; i < count / BATCH; i++) await handle.write(buffers[i % buffers.length])
  await handle.datasync()
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  await handle.close()
  return count / seconds
}

/**
 * A floor for any encoder in JS that prints numbers with V8's own String(): the
 * time to turn every timestamp and every float, integer and unsigned field of
 * the same records into text, and nothing else (no line, no bytes, no checks).
 */
const numbers = pool.map((r) => [r.timestamp, ...Object.values(r.fields).flatMap((f) => (f.type === 'string' || f.type === 'boolean' ? [] : [f.value]))])
function numbersToText(count) {
  let chars = 0
  const start = process.hrtime.bigint()
  for (let i = 0; i < count; i++) {
    const values = numbers[i % POOL]
    for (let j = 0; j < values.length; j++) chars += String(values[j]).length
  }
  if (chars === 0) throw new Error('no number printed')
  return count / (Number(process.hrtime.bigint() - start) / 1e9)
}

async function ourAppend(file, format, count, batchSize) {
  const writer = await openLogWriter({ path: file, format, rotate: { kind: 'none' }, fsync: 'never', flushIntervalMs: 1000 })
  const start = process.hrtime.bigint()
  if (batchSize === BATCH) for (let i = 0; i < count / BATCH; i++) await writer.append(batches[i % batches.length])
  else for (let i = 0; i < count; i++) await writer.append([pool[i % POOL]])
  await writer.close()
  return count / (Number(process.hrtime.bigint() - start) / 1e9)
}

async function rawRead(file) {
  const start = process.hrtime.bigint()
  let lines = 0
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1024 * 1024 })) for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++
  return { lines, seconds: Number(process.hrtime.bigint() - start) / 1e9 }
}

/** A floor for any JSON reader in JS: JSON.parse of every line, no checks, no records built. */
async function jsonParseOnly(file) {
  const start = process.hrtime.bigint()
  let lines = 0
  let rest = ''
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1024 * 1024, encoding: 'latin1' })) {
    const text = rest + chunk
    let from = 0
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
      JSON.parse(text.slice(from, nl))
      lines++
      from = nl + 1
    }
    rest = text.slice(from)
  }
  return lines / (Number(process.hrtime.bigint() - start) / 1e9)
}

/** Every line of the files written here is good: a bad one stops the benchmark. */
const READ_OPTIONS = { onBadLine: (bad) => { throw new Error(`bad line ${bad.line}: ${bad.reason}`) } }

async function ourRead(file) {
  const start = process.hrtime.bigint()
  let records = 0
  const reader = readLogFile(file, READ_OPTIONS)
  for await (const item of reader) if (item.record !== undefined) records++
  return { records, seconds: Number(process.hrtime.bigint() - start) / 1e9 }
}

/** The same read with the loop the README gives for millions of items: ready() while the chunk at hand lasts, one await per chunk. */
async function ourReadReady(file) {
  const start = process.hrtime.bigint()
  let records = 0
  const items = readLogFile(file, READ_OPTIONS)[Symbol.asyncIterator]()
  for (;;) {
    const item = items.ready() ?? (await items.next()).value
    if (item === undefined) break
    if (item.record !== undefined) records++
  }
  return { records, seconds: Number(process.hrtime.bigint() - start) / 1e9 }
}

const fmt = (n) => Math.round(n).toLocaleString('en-US').padStart(11)
const mrec = (n) => `${(n / 1e6).toFixed(2)} M`
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
/** "median (min to max)" of numbers, with `show` for each. */
const spread = (values, show) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted.length === 1 ? show(median(sorted)) : `${show(median(sorted))} (${show(sorted[0])} to ${show(sorted.at(-1))})`
}
console.log(`logfile benchmark: ${RECORDS.toLocaleString('en-US')} records per format, appended in batches of ${BATCH}, fsync never (one fdatasync at the end), ${RUNS} runs per case; files in ${dir}`)
console.log(`load average at start: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} on ${os.cpus().length} CPUs`)
console.log('format  run  encode+append rec/s   raw fs append rec/s   ratio (goal >= 0.50) | read rec/s (for await)  (ready() loop)   raw line split lines/s   read goal (for await / ready())')
const summary = {}
try {
  for (let run = 1; run <= RUNS; run++) {
    const conversions = numbersToText(RECORDS)
    for (const format of ['jsonl', 'csv', 'lp']) {
      const raw = await rawAppend(path.join(dir, `raw.${format}`), preEncoded(format), RECORDS)
      const file = path.join(dir, `ours.${format}`)
      const ours = await ourAppend(file, format, RECORDS, BATCH)
      globalThis.gc?.()
      const scan = await rawRead(file)
      const read = await ourRead(file)
      const readReady = await ourReadReady(file)
      for (const r of [read, readReady]) if (r.records !== RECORDS) throw new Error(`${format}: read ${r.records} records, wrote ${RECORDS}`)
      const readRate = read.records / read.seconds
      const readyRate = readReady.records / readReady.seconds
      const met = (rate) => (rate >= READ_GOAL ? 'met' : 'not met')
      const goal = format === 'lp' ? '(none for LP)' : `>= 1 M: ${met(readRate)} / ${met(readyRate)}`
      console.log(`${format.padEnd(6)}  ${run}   ${fmt(ours)}          ${fmt(raw)}         ${(ours / raw).toFixed(2)} ${ours / raw >= APPEND_GOAL ? 'met    ' : 'not met'}     | ${fmt(readRate)}          ${fmt(readyRate)}      ${fmt(scan.lines / scan.seconds)}              ${goal}`)
      const entry = (summary[format] ??= { ratio: [], append: [], raw: [], read: [], ready: [], scan: [], parse: [], conversions: [] })
      entry.conversions.push(raw / conversions)
      entry.ratio.push(ours / raw)
      entry.append.push(ours)
      entry.raw.push(raw)
      entry.read.push(readRate)
      entry.ready.push(readyRate)
      entry.scan.push(scan.lines / scan.seconds)
      if (format === 'jsonl') entry.parse.push(await jsonParseOnly(file))
      fs.rmSync(file)
      fs.rmSync(path.join(dir, `raw.${format}`))
    }
  }
  console.log(`\nsummary, median (min to max) of ${RUNS} runs; load average now: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`)
  for (const [format, e] of Object.entries(summary)) {
    console.log(`${format.padEnd(6)} encode+append ${spread(e.append, mrec)} rec/s, raw ${spread(e.raw, mrec)} lines/s, ratio ${spread(e.ratio, (r) => r.toFixed(2))} (goal >= ${APPEND_GOAL.toFixed(2)})`)
    console.log(`${''.padEnd(6)} V8's String() of these records' timestamps and numeric fields alone (no line, no bytes, no checks): ${spread(e.conversions, (r) => r.toFixed(2))}x the raw append's time, so an encoder that prints numbers with it reaches at most ${(1 / (1 + median(e.conversions))).toFixed(2)} (median)`)
    console.log(`${''.padEnd(6)} read ${spread(e.read, mrec)} rec/s with for await, ${spread(e.ready, mrec)} rec/s with the ready() loop (goal ${format === 'lp' ? 'none' : '>= 1.00 M'}), raw line split ${spread(e.scan, mrec)} lines/s${e.parse.length > 0 ? `, JSON.parse alone (no checks, no records) ${spread(e.parse, mrec)} lines/s` : ''}`)
  }
  const singles = Math.max(BATCH, Math.floor(RECORDS / 10))
  const single = await ourAppend(path.join(dir, 'single.jsonl'), 'jsonl', singles, 1)
  const rawSingle = await (async () => {
    const handle = await fs.promises.open(path.join(dir, 'raw-single.jsonl'), 'a')
    const lines = pool.map((r) => Buffer.from(`${encodeJsonl(r)}\n`))
    const start = process.hrtime.bigint()
    for (let i = 0; i < singles; i++) await handle.write(lines[i % POOL])
    await handle.datasync()
    const seconds = Number(process.hrtime.bigint() - start) / 1e9
    await handle.close()
    return singles / seconds
  })()
  console.log(`jsonl, one record per append (${singles.toLocaleString('en-US')} appends): ${fmt(single)} rec/s vs raw one write per line ${fmt(rawSingle)} rec/s, ratio ${(single / rawSingle).toFixed(2)}`)
} finally {
  fs.rmSync(dir, { recursive: true, force: true })
}
