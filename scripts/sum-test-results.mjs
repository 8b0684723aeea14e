// Sums the vitest JSON reports (one per package, written when
// EHT_TEST_RESULTS_DIR is set) and prints "N passed, N failed[, N skipped]".
// A package with a test script but no report counts as one failure (its suite
// did not run or crashed), so a broken build can never look green.
// Usage: node scripts/sum-test-results.mjs <results-dir> [exit-status-of-the-run]
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')
const [dir, runStatus = '0'] = process.argv.slice(2)
if (!dir) {
  console.error('usage: node scripts/sum-test-results.mjs <results-dir> [status]')
  process.exit(2)
}

function workspacePackagesWithTests() {
  const found = []
  for (const parent of ['packages', 'tools']) {
    const base = path.join(root, parent)
    if (!fs.existsSync(base)) continue
    for (const name of fs.readdirSync(base)) {
      const file = path.join(base, name, 'package.json')
      if (!fs.existsSync(file)) continue
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8'))
      if (pkg.scripts?.test) found.push(pkg.name)
    }
  }
  return found
}

let passed = 0
let failed = 0
let skipped = 0
const lines = []
/** Each failed test or broken file, with the start of its message, printed before the totals. */
const failures = []

/** The first lines of a failure message, without colour codes, indented under the test's name. */
function excerpt(message) {
  const text = String(message ?? '').replace(/\u001b\[[0-9;]*m/g, '')
  return text.split('\n').filter((l) => l.trim() !== '').slice(0, 6).map((l) => `      ${l.trim().slice(0, 300)}`)
}
for (const name of workspacePackagesWithTests()) {
  const file = path.join(dir, `${name.replace(/[@/]/g, '_')}.json`)
  if (!fs.existsSync(file)) {
    failed += 1
    lines.push(`${name}: no test report (the suite did not run or crashed)`)
    continue
  }
  const report = JSON.parse(fs.readFileSync(file, 'utf8'))
  const p = report.numPassedTests ?? 0
  const f = report.numFailedTests ?? 0
  const s = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0)
  // A suite that failed to load has failed files but may count no failed test.
  const brokenFiles = (report.testResults ?? []).filter((r) => r.status === 'failed' && (r.assertionResults ?? []).every((a) => a.status !== 'failed')).length
  for (const file of report.testResults ?? []) {
    const where = path.relative(root, file.name ?? '')
    const failedTests = (file.assertionResults ?? []).filter((a) => a.status === 'failed')
    if (file.status === 'failed' && failedTests.length === 0) failures.push(`  ${where}: the file failed to run`, ...excerpt(file.message))
    for (const test of failedTests) failures.push(`  ${where} > ${test.fullName ?? test.title}`, ...excerpt(test.failureMessages?.[0]))
  }
  passed += p
  failed += f + brokenFiles
  skipped += s
  lines.push(`${name}: ${p} passed, ${f + brokenFiles} failed${s ? `, ${s} skipped` : ''}`)
}
if (runStatus !== '0' && failed === 0) {
  failed = 1
  lines.push(`the test command exited with status ${runStatus}`)
}
if (failures.length > 0) {
  console.log('failed:')
  for (const line of failures) console.log(line)
}
for (const line of lines) console.log(`  ${line}`)
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
process.exit(failed > 0 ? 1 : 0)
