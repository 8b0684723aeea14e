// The README's first command ends here: writes a few sample station points
// through the real `eht-influx-client write` (the full writer) with the embedded
// default configuration (logfile only, no server), then shows the logfile.
// It works in a fresh temporary directory so the checkout stays clean.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')
const bin = path.join(root, 'packages', 'cli', 'dist', 'bin.js')
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-influx-demo-'))

// Ten seconds of a station's monitoring, one point a second, with ns timestamps.
const start = BigInt(Date.now() - 10_000) * 1_000_000n
const lines = []
for (let i = 0; i < 10; i++) {
  const t = start + BigInt(i) * 1_000_000_000n + 204_824_064n
  lines.push(`pps_offset,station=Kp,source=gps offset_ns=${(-3 + Math.sin(i) * 2).toFixed(3)} ${t}`)
  lines.push(`maser,station=Kp locked=true,temperature_c=${(45.1 + i / 100).toFixed(2)},lock_count=${7 + (i > 6 ? 1 : 0)}i ${t}`)
}

console.log(`$ cd ${work}`)
console.log(`$ eht-influx-client write --format lp   # ${lines.length} points on stdin, no configuration file`)
const result = spawnSync(process.execPath, [bin, 'write', '--format', 'lp'], { cwd: work, input: lines.join('\n') + '\n', encoding: 'utf8', env: { ...process.env, EHT_INFLUX_CONFIG: '' } })
process.stdout.write(result.stdout)
process.stderr.write(result.stderr)
if (result.status !== 0) {
  console.error(`eht-influx-client write exited with ${result.status ?? result.signal}`)
  process.exit(1)
}

const logDir = path.join(work, 'eht-influx-log')
const files = fs.existsSync(logDir) ? fs.readdirSync(logDir).sort() : []
if (files.length === 0) {
  console.error(`no logfile was written under ${logDir}`)
  process.exit(1)
}
for (const file of files) {
  const text = fs.readFileSync(path.join(logDir, file), 'utf8')
  const rows = text.trimEnd().split('\n')
  console.log(`\n$ head -4 eht-influx-log/${file}   # ${rows.length} lines`)
  console.log(rows.slice(0, 4).join('\n'))
}
console.log(`\nThe logfile is the record of truth; with servers in influx_config.ini (see 'eht-influx-client print-config') the same points also go to every server.`)
console.log(`Demo files are in ${work}`)
