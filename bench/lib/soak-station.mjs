// The station side of bench/soak.mjs, run in its own process so that its RSS is
// the writer's alone: several measurements at irregular rates, timestamps at
// simulated time (`speed` x real time, ending about now), written in async mode
// through EHTInfluxDBClient for `realMs`, then close().
// Usage: node soak-station.mjs <ini> <outDir> <realMs> <speed> <seed>
// Writes <outDir>/sent.keys (one key per point written: measurement,tags|ms)
// and <outDir>/station-result.json.
import fs from 'node:fs'
import path from 'node:path'
import { EHTInfluxDBClient } from '@eht-influx-client/writer'
import { pointKey } from './soak-count.mjs'
import { seeded } from './seeded-random.mjs'

const [ini, outDir, realMsArg, speedArg, seedArg] = process.argv.slice(2)
const realMs = Number(realMsArg)
const speed = Number(speedArg)
const station = 'Kp'

const rng = seeded(Number(seedArg))

/**
 * Points of each series every `periodMs` of simulated time, each interval spread
 * by +-`jitter`; timestamps in whole ms, strictly increasing per series (VictoriaMetrics keeps ms).
 */
function periodic({ measurement, periodMs, jitter, series, fields, fieldTypes, start }) {
  const state = series.map((tags) => ({ tags, next: start + rng() * periodMs, last: 0 }))
  return {
    measurement,
    tagColumns: Object.keys(series[0]),
    fieldTypes,
    due(simNow) {
      const rows = []
      for (const s of state) {
        while (s.next <= simNow) {
          const ms = Math.max(s.last + 1, Math.round(s.next))
          rows.push({ ...s.tags, ...fields(ms), timestamp: BigInt(ms) * 1_000_000n })
          s.last = ms
          s.next += periodMs * (1 + jitter * (2 * rng() - 1))
        }
      }
      return rows
    },
  }
}

/** Bursts of `min`..`max` points 1 ms apart (a recorder dumping its scan log), at exponential gaps of mean `meanGapMs`. */
function bursts({ measurement, meanGapMs, min, max, start }) {
  let next = start + -Math.log(1 - rng()) * meanGapMs
  let last = 0
  return {
    measurement,
    tagColumns: ['station', 'module'],
    fieldTypes: { bytes_written: 'integer' },
    due(simNow) {
      const rows = []
      while (next <= simNow) {
        const n = min + Math.floor(rng() * (max - min + 1))
        const first = Math.max(last + 1, Math.round(next))
        const module = `m${Math.floor(rng() * 4)}`
        for (let i = 0; i < n; i++) {
          rows.push({ station, module, rate: 2048 + rng() * 16, bytes_written: BigInt(first + i) * 256n, timestamp: BigInt(first + i) * 1_000_000n })
        }
        last = first + n - 1
        next += -Math.log(1 - rng()) * meanGapMs
      }
      return rows
    },
  }
}

function generators(start) {
  return [
    periodic({ measurement: 'pps_offset', periodMs: 1000, jitter: 0.2, start, series: ['r1', 'r2', 'r3', 'r4'].map((recorder) => ({ station, recorder })), fields: (ms) => ({ pps_offset: Math.sin(ms / 7e4) * 40 + rng(), gps_locked: 1 }), fieldTypes: { gps_locked: 'integer' } }),
    periodic({ measurement: 'weather', periodMs: 10_000, jitter: 0.3, start, series: [{ station }], fields: (ms) => ({ temperature: -5 + Math.sin(ms / 3.6e6) * 3, pressure: 620 + rng(), humidity: 20 + rng() * 5, wind_speed: rng() * 12 }) }),
    periodic({ measurement: 'maser', periodMs: 100, jitter: 0.3, start, series: [{ station, unit: 'H1' }], fields: () => ({ maser_temp: 45 + rng() * 0.01, cavity_v: 1.2 + rng() * 1e-3, lock_status: 1 }), fieldTypes: { lock_status: 'integer' } }),
    periodic({ measurement: 'tsys', periodMs: 2000, jitter: 0.25, start, series: Array.from({ length: 16 }, (_, c) => ({ station, channel: `ch${String(c).padStart(2, '0')}` })), fields: () => ({ tsys: 80 + rng() * 40 }) }),
    bursts({ measurement: 'recorder', meanGapMs: 120_000, min: 500, max: 5000, start }),
  ]
}

async function main() {
  const client = await EHTInfluxDBClient.fromConfigFile(ini)
  const api = client.writeApi()
  const keys = fs.createWriteStream(path.join(outDir, 'sent.keys'))
  const rss = []
  const heap = []
  const sampler = setInterval(() => {
    const m = process.memoryUsage()
    rss.push(m.rss)
    heap.push(m.heapUsed)
  }, 1000)
  const sent = {}
  let writes = 0
  let maxWriteMs = 0
  let slowWrites = 0 // write() calls over 100 ms
  const t0 = performance.now()
  const simStart = Date.now() - realMs * speed
  const gens = generators(simStart)
  for (;;) {
    const elapsed = performance.now() - t0
    const simNow = simStart + Math.min(elapsed, realMs) * speed
    for (const g of gens) {
      const rows = g.due(simNow)
      if (rows.length === 0) continue
      const began = performance.now()
      await api.write({ record: rows, dataFrameMeasurementName: g.measurement, dataFrameTagColumns: g.tagColumns, fieldTypes: g.fieldTypes })
      const took = performance.now() - began
      writes++
      maxWriteMs = Math.max(maxWriteMs, took)
      if (took > 100) slowWrites++
      sent[g.measurement] = (sent[g.measurement] ?? 0) + rows.length
      let text = ''
      for (const row of rows) {
        const tags = {}
        for (const k of g.tagColumns) tags[k] = row[k]
        text += `${pointKey(g.measurement, tags, row.timestamp / 1_000_000n)}\n`
      }
      keys.write(text)
    }
    if (elapsed >= realMs) break
    await new Promise((resolve) => setTimeout(resolve, 20 + rng() * 80))
  }
  clearInterval(sampler)
  const closeStarted = performance.now()
  await api.close()
  await client.close()
  const closeMs = performance.now() - closeStarted
  await new Promise((resolve, reject) => keys.end((error) => (error ? reject(error) : resolve())))
  const result = {
    sent,
    writes,
    maxWriteMs,
    slowWrites,
    closeMs,
    rss,
    heap,
    maxRSS: process.resourceUsage().maxRSS * 1024,
    stats: client.stats(),
    simulatedMs: realMs * speed,
  }
  fs.writeFileSync(path.join(outDir, 'station-result.json'), JSON.stringify(result))
}

await main()
