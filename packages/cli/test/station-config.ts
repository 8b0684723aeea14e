// A station directory with an influx_config.ini, as an engineer would write
// it: the servers given, everything else the built-in default (logfile,
// spool and errors file beside the configuration).
import fs from 'node:fs'
import path from 'node:path'
import { tempDir } from './run-cli.js'

export interface TestServer {
  name: string
  url: string
  api: 'v1' | 'v2'
  /** More keys of the section, e.g. `enabled = false`. */
  extra?: string
}

export interface Station {
  dir: string
  config: string
  logDir: string
  spoolDir: string
  errorsFile: string
}

/** Writes `influx_config.ini` (mode 600: it holds a token) in a fresh directory. `sections`: more INI text, e.g. `[retry]\nmax_retries = 0`. */
export function station(servers: readonly TestServer[], sections = ''): Station {
  const dir = tempDir('eht-cli-station-')
  const config = path.join(dir, 'influx_config.ini')
  const text = [
    '[client]\nbucket = eht_test\n',
    ...servers.map((s) => `[server.${s.name}]\nurl = ${s.url}\napi = ${s.api}\n${s.api === 'v2' ? 'token = test-token-not-secret\n' : ''}${s.extra ?? ''}\n`),
    sections,
  ].join('\n')
  fs.writeFileSync(config, text, { mode: 0o600 })
  return { dir, config, logDir: path.join(dir, 'eht-influx-log'), spoolDir: path.join(dir, 'eht-influx-spool'), errorsFile: path.join(dir, 'eht-influx-errors.jsonl') }
}

/** Every line of every logfile in `dir`, in file-name order. */
export function logfileLines(dir: string): string[] {
  if (!fs.existsSync(dir)) return []
  return fs
    .readdirSync(dir)
    .sort()
    .flatMap((name) => fs.readFileSync(path.join(dir, name), 'utf8').split('\n'))
    .filter((line) => line !== '')
}

/** `n` points of line protocol, one a second from a ns epoch above 2^53; `measurement` and `station` tag as given. */
export function stationPoints(n: number, measurement = 'pps_offset', start = 1617672549204824064n): string {
  let text = ''
  for (let i = 0; i < n; i++) text += `${measurement},station=Kp offset_ns=${(i % 97) / 8},seq=${i}i ${start + BigInt(i) * 1_000_000_000n}\n`
  return text
}
