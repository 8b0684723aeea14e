import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { repoRoot } from './workspace.js'

const script = (name: string) => path.join(repoRoot, 'scripts', name)

describe('the README set-up commands', () => {
  it('are exactly two, one running the main job and one the tests', () => {
    const run = execFileSync('node', [script('readme-commands.mjs'), 'run'], { encoding: 'utf8' }).trim()
    const test = execFileSync('node', [script('readme-commands.mjs'), 'test'], { encoding: 'utf8' }).trim()
    expect(run).toMatch(/^npm install -g pnpm@10 && /)
    expect(test).toMatch(/^npm install -g pnpm@10 && /)
    expect(test).toContain('pnpm test')
    const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8')
    // The commands open the README: nothing but the title and one paragraph before them.
    expect(readme.indexOf('```sh')).toBeLessThan(readme.indexOf('\n## '))
  })

  it('are what .ci/run executes', () => {
    const ci = fs.readFileSync(path.join(repoRoot, '.ci', 'run'), 'utf8')
    expect(ci).toContain('node scripts/readme-commands.mjs test')
    expect(ci).toContain('npm install -g pnpm@10')
    expect(ci).toMatch(/apt-get install -y [^\n]*influxdb victoria-metrics/)
    expect(ci).toContain('apt-get update')
  })

  it('reject a README whose first sh block does not hold two commands', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-readme-'))
    const probe = path.join(dir, 'probe.mjs')
    fs.writeFileSync(probe, `import { readmeCommands } from ${JSON.stringify(script('readme-commands.mjs'))}\nreadmeCommands('# x\\n\\n\`\`\`sh\\nonly one\\n\`\`\`\\n')\n`)
    const result = spawnSync('node', [probe], { encoding: 'utf8' })
    fs.rmSync(dir, { recursive: true, force: true })
    expect(result.status).not.toBe(0)
    expect(result.stderr).toContain('exactly two commands, found 1')
  })
})

describe('the CI totals line', () => {
  function sum(reports: Record<string, object>, status = '0') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-sum-'))
    for (const [name, report] of Object.entries(reports)) fs.writeFileSync(path.join(dir, `${name.replace(/[@/]/g, '_')}.json`), JSON.stringify(report))
    const result = spawnSync('node', [script('sum-test-results.mjs'), dir, status], { encoding: 'utf8' })
    fs.rmSync(dir, { recursive: true, force: true })
    return { status: result.status, last: result.stdout.trim().split('\n').at(-1), stdout: result.stdout }
  }
  const names = ['cli', 'config', 'logfile', 'replay', 'timebin', 'writer'].map((n) => `@eht-influx-client/${n}`).concat(['@eht-influx-client/reliability', '@eht-influx-client/repo-checks', '@eht-influx-client/test-support'])
  const ok = (p: number, s = 0) => ({ numPassedTests: p, numFailedTests: 0, numPendingTests: s, numTodoTests: 0, testResults: [] as object[] })

  it('adds up every package and exits 0 when all passed', () => {
    const reports = Object.fromEntries(names.map((n, i) => [n, ok(i + 1, i === 0 ? 2 : 0)]))
    expect(sum(reports)).toMatchObject({ status: 0, last: '45 passed, 0 failed, 2 skipped' })
  })

  it('counts a package without a report, and a file that failed to load, as failures', () => {
    const reports = Object.fromEntries(names.slice(1).map((n) => [n, ok(1)]))
    reports[names[1]!] = { ...ok(1), testResults: [{ status: 'failed', assertionResults: [] }] }
    expect(sum(reports)).toMatchObject({ status: 1, last: '8 passed, 2 failed' })
  })

  it('never reports green when the test command itself failed', () => {
    const reports = Object.fromEntries(names.map((n) => [n, ok(1)]))
    expect(sum(reports, '1')).toMatchObject({ status: 1, last: '9 passed, 1 failed' })
  })

  it('names each failed test with the start of its message, before the totals line', () => {
    const reports = Object.fromEntries(names.map((n) => [n, ok(1)]))
    const file = path.join(repoRoot, 'packages/replay/src/x.test.ts')
    const failure = '\u001b[31mAssertionError: expected 1130 to be less than 1100\u001b[39m\n    at a.ts:1\n    at b.ts:2\n    at c.ts:3\n    at d.ts:4\n    at e.ts:5\n    at f.ts:6'
    reports[names[3]!] = {
      ...ok(1),
      numFailedTests: 1,
      testResults: [
        { name: file, status: 'failed', assertionResults: [{ status: 'passed', fullName: 'fine' }, { status: 'failed', fullName: 'rateLimit holds points per second', failureMessages: [failure] }] },
        { name: path.join(repoRoot, 'packages/replay/src/y.test.ts'), status: 'failed', message: 'SyntaxError: bad', assertionResults: [] },
      ],
    }
    const result = sum(reports)
    expect(result).toMatchObject({ status: 1, last: '9 passed, 2 failed' })
    const out = result.stdout.split('\n')
    const at = out.indexOf('  packages/replay/src/x.test.ts > rateLimit holds points per second')
    expect(at).toBeGreaterThan(out.indexOf('failed:'))
    expect(out[at + 1]).toBe('      AssertionError: expected 1130 to be less than 1100')
    expect(out.slice(at + 1)).toContain('      at e.ts:5')
    expect(out.slice(at + 1)).not.toContain('      at f.ts:6')
    expect(out).not.toContain('  packages/replay/src/x.test.ts > fine')
    expect(out).toContain('  packages/replay/src/y.test.ts: the file failed to run')
    expect(out).toContain('      SyntaxError: bad')
    expect(out.indexOf('      SyntaxError: bad')).toBeLessThan(out.length - 1)
  })
})
