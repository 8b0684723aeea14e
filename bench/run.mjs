// Runs the benchmarks in this folder, one after another, each in its own node
// process (so one's memory does not colour the next). `pnpm bench` runs all;
// `pnpm bench timebin writer` runs those whose file name contains a word given.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const dir = path.dirname(fileURLToPath(import.meta.url))
const wanted = process.argv.slice(2)
const all = fs.readdirSync(dir).filter((f) => f.endsWith('.mjs') && f !== 'run.mjs').sort()
const chosen = wanted.length === 0 ? all : all.filter((f) => wanted.some((w) => f.includes(w)))
if (chosen.length === 0) {
  console.error(`no benchmark matches ${wanted.join(' ')}; there are: ${all.join(', ')}`)
  process.exit(2)
}
let failed = 0
for (const file of chosen) {
  console.log(`\n=== ${file}`)
  const result = spawnSync(process.execPath, ['--expose-gc', path.join(dir, file)], { stdio: 'inherit' })
  if (result.status !== 0) {
    failed += 1
    console.log(`=== ${file} exited with ${result.status ?? result.signal}`)
  }
}
process.exit(failed > 0 ? 1 : 0)
