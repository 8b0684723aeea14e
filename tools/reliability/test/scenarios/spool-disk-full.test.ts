import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { freePort } from '@eht-influx-client/test-support'
import { scenarioConfig, tempDir } from '../../src/scenario-config.js'
import { readLogRecords, readSpoolRecords } from '../../src/scenario-counts.js'
import { pointKey, pointRecords } from '../../src/scenario-points.js'
import { startCommand } from '../../src/scenario-child.js'

// Scenario 5 of issue #9: the spool's disk is full while the server is down.
// The spool directory is on a 64 KiB tmpfs (mounted here when this process may
// mount, as root in CI); otherwise the station script runs under
// RLIMIT_FSIZE (`prlimit --fsize`), which fails writes past 64 KiB in any one
// file (EFBIG instead of ENOSPC). The logfile is on the normal disk. The
// script (a child process) must see a loud error naming the spool and the
// cause, keep accepting writes, keep every point in the logfile, and exit 0.

const WRITER = fileURLToPath(new URL('./fixtures/disk-full-writer.mjs', import.meta.url))
const LIMIT_BYTES = 64 * 1024
const POINTS = 5000 // per half; about 250 kB of line protocol per half

const dir = tempDir()
const smallFs = path.join(dir, 'small-fs')
fs.mkdirSync(smallFs)
// EHT_SCENARIO_NO_MOUNT=1 runs the fallback even where mounting works (to check it).
const mounted = (() => {
  if (process.env.EHT_SCENARIO_NO_MOUNT === '1') return false
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${LIMIT_BYTES}`, 'tmpfs', smallFs], { stdio: 'pipe' })
    return true
  } catch {
    return false
  }
})()
const mechanism = mounted ? 'a 64 KiB tmpfs' : 'RLIMIT_FSIZE of 64 KiB (prlimit --fsize)'
const expectedCode = mounted ? 'ENOSPC' : 'EFBIG'

afterAll(() => {
  if (mounted) {
    try {
      execFileSync('umount', [smallFs], { stdio: 'pipe' })
    } catch {
      execFileSync('umount', ['-l', smallFs], { stdio: 'pipe' })
    }
  }
  fs.rmSync(dir, { recursive: true, force: true })
})

interface ChildReport {
  accepted: number
  errorsBeforeSecondHalf: number
  errors: { server?: string; points: number; name: string; code: string; message: string }[]
  stats: Record<string, { written: number; delivered: number; spooled: number; dropped: number }>
}

describe(`scenario 5: disk full for the spool (${mechanism})`, () => {
  it('a loud error naming the spool and the cause; the logfile keeps every point; writes go on; nothing crashes', async () => {
    const spoolDir = path.join(smallFs, 'spool')
    const down = `http://127.0.0.1:${await freePort()}` // nothing listens: the server is down
    const { file } = scenarioConfig(dir, {
      servers: [{ name: 'cloud', url: down, api: 'v2', keys: { batch_size: '500' } }],
      logfile: { rotate: '32KB' }, // each logfile stays below the limit when RLIMIT_FSIZE is the mechanism
      retry: { max_retries: '1', min_delay: '20ms', max_delay: '50ms' },
      spool: { dir: spoolDir },
      errors: { stderr: 'every' },
    })
    const [command, args] = mounted ? [process.execPath, [WRITER]] : ['prlimit', [`--fsize=${LIMIT_BYTES}`, process.execPath, WRITER]]
    const run = startCommand(command, [...args, file, 's5', String(POINTS)], { cwd: dir })
    const code = await run.exited
    expect(code, run.stderr).toBe(0)
    const report = JSON.parse(run.stdout.trim()) as ChildReport

    // Loud: onError got SpoolFullError naming the spool folder and the system's reason, and so did stderr.
    const full = report.errors.filter((e) => e.code === 'SPOOL_FULL')
    expect(full.length).toBeGreaterThan(0)
    expect(full.every((e) => e.server === 'cloud' && e.name === 'SpoolFullError')).toBe(true)
    expect(full[0]!.message).toContain(path.join(spoolDir, 'cloud'))
    expect(full[0]!.message).toContain(expectedCode)
    expect(full[0]!.message).toMatch(/only in the logfile/)
    expect(run.stderr).toContain(path.join(spoolDir, 'cloud'))
    expect(run.stderr).toContain(expectedCode)
    // The disk was full before the second half, whose writes were all accepted.
    expect(report.errorsBeforeSecondHalf).toBeGreaterThan(0)
    expect(report.accepted).toBe(2 * POINTS)

    // Every point is in the logfile, once.
    const logged = await readLogRecords(path.join(dir, 'log'))
    expect(logged.badLines).toEqual([])
    expect(logged.records.map(pointKey)).toEqual(pointRecords('s5', 0, 2 * POINTS).map(pointKey))

    // Each point was spooled or dropped (dropped = only in the logfile, as the error said).
    const stats = report.stats.cloud!
    expect(stats).toMatchObject({ written: 2 * POINTS, delivered: 0 })
    expect(stats.spooled + stats.dropped).toBe(2 * POINTS)
    expect(stats.spooled).toBeGreaterThan(0)
    expect(stats.dropped).toBeGreaterThan(0)
    expect(full.reduce((n, e) => n + e.points, 0)).toBe(stats.dropped)
    // The spool holds exactly the points counted as spooled: a batch cut short by the full disk is
    // cut back off the file, so no point is both reported as dropped and kept in the spool.
    const spooled = await readSpoolRecords(spoolDir)
    const loggedKeys = new Set(logged.records.map(pointKey))
    expect(spooled.badLines).toEqual([])
    expect(spooled.records.every((r) => loggedKeys.has(pointKey(r)))).toBe(true)
    expect(new Set(spooled.records.map(pointKey)).size).toBe(spooled.records.length)
    expect(spooled.records.length).toBe(stats.spooled)
    console.log(`scenario 5 (${mechanism}): spooled ${stats.spooled}, dropped ${stats.dropped} of ${2 * POINTS}; ${spooled.records.length} readable and ${spooled.badLines.length} bad lines on the full disk`)
  })
})
