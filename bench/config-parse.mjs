// How long reading the configuration takes: the first parse in a process (which compiles the
// ajv schema; what a station script pays at start-up), then repeated parses of a typical station
// file and of one with many servers, each against the baseline of `ini.parse` alone on the same
// text (no line numbers, no validation, no conversion) measured in this run.
//
//   node bench/config-parse.mjs [iterations] [servers]     (defaults 2000 and 200; also
//   EHT_BENCH_ITERATIONS / EHT_BENCH_SERVERS), e.g. `node bench/config-parse.mjs 20 5` to smoke-test.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

const iterations = Number(process.argv[2] ?? process.env.EHT_BENCH_ITERATIONS ?? 2000)
const serverCount = Number(process.argv[3] ?? process.env.EHT_BENCH_SERVERS ?? 200)
if (!(iterations >= 1 && serverCount >= 1)) throw new Error('usage: node bench/config-parse.mjs [iterations >= 1] [servers >= 1]')

// `ini` as the config package itself resolves it (it is not a dependency of the repository root).
const configEntry = fileURLToPath(import.meta.resolve('@eht-influx-client/config'))
const ini = createRequire(configEntry)('ini')

const station = `; a typical station file
[client]
bucket = eht_test          ; required unless every server names its own
station = Kp
profile = test

[server.local]
url = http://127.0.0.1:8086
token_env = EHT_INFLUX_LOCAL_TOKEN
timeout = 5s

[server.cloud]
url = https://cloud.example.org
token_env = EHT_INFLUX_CLOUD_TOKEN
org = "eht ; global"

[logfile]
path = ./eht-influx-log/eht-%Y-%m-%d.jsonl
rotate = daily

[retry]
max_retries = 10
max_delay = 5m
`
const many = ['[client]\nbucket = eht_test\n']
for (let i = 0; i < serverCount; i++) many.push(`[server.s${i}]\nurl = http://10.0.${i >> 8}.${i & 255}:8086\ntoken_env = TOKEN_${i}\ntimeout = ${1 + (i % 9)}s ; comment\nbatch_size = ${1000 + i}\n`)
const manyText = many.join('\n')
const env = { EHT_INFLUX_LOCAL_TOKEN: 'a', EHT_INFLUX_CLOUD_TOKEN: 'b' }
for (let i = 0; i < serverCount; i++) env[`TOKEN_${i}`] = `t${i}`

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-bench-config-'))
const file = path.join(dir, 'influx_config.ini')
fs.writeFileSync(file, station, { mode: 0o600 })

try {
  let t = process.hrtime.bigint()
  const { parseConfig, loadConfig } = await import('@eht-influx-client/config')
  const importMs = Number(process.hrtime.bigint() - t) / 1e6
  t = process.hrtime.bigint()
  const first = parseConfig(station, file, { env })
  const firstMs = Number(process.hrtime.bigint() - t) / 1e6
  t = process.hrtime.bigint()
  ini.parse(station)
  const firstIniMs = Number(process.hrtime.bigint() - t) / 1e6
  if (first.servers.length !== 2) throw new Error('the station file did not parse as expected')
  console.log(`import ${importMs.toFixed(1)} ms; first parseConfig (compiles the schema) ${firstMs.toFixed(2)} ms; first ini.parse ${firstIniMs.toFixed(2)} ms`)

  const time = (n, fn) => {
    for (let i = 0; i < Math.min(n, 50); i++) fn() // warm-up
    const start = process.hrtime.bigint()
    for (let i = 0; i < n; i++) fn()
    return Number(process.hrtime.bigint() - start) / 1e6 / n
  }
  const rows = [
    ['station file (2 servers)', time(iterations, () => parseConfig(station, file, { env })), time(iterations, () => ini.parse(station))],
    [`${serverCount} servers`, time(Math.max(1, Math.ceil(iterations / 50)), () => parseConfig(manyText, file, { env })), time(Math.max(1, Math.ceil(iterations / 50)), () => ini.parse(manyText))],
  ]
  for (const [label, ours, base] of rows) {
    console.log(`${label.padEnd(26)} parseConfig ${ours.toFixed(4)} ms/parse   baseline ini.parse ${base.toFixed(4)} ms/parse   ratio ${(ours / base).toFixed(1)}x`)
  }
  const loads = Math.max(1, Math.ceil(iterations / 10))
  const start = process.hrtime.bigint()
  for (let i = 0; i < loads; i++) await loadConfig(file, { env })
  const loadMs = Number(process.hrtime.bigint() - start) / 1e6 / loads
  const readStart = process.hrtime.bigint()
  for (let i = 0; i < loads; i++) ini.parse(await fs.promises.readFile(file, 'utf8'))
  const readMs = Number(process.hrtime.bigint() - readStart) / 1e6 / loads
  console.log(`${'loadConfig (file + stat)'.padEnd(26)} loadConfig ${loadMs.toFixed(4)} ms/load    baseline readFile+ini.parse ${readMs.toFixed(4)} ms   ratio ${(loadMs / readMs).toFixed(1)}x`)
} finally {
  fs.rmSync(dir, { recursive: true, force: true })
}
