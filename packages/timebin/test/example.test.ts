import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// The example imports the package by name, so it runs against the build (dist).
const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const script = path.join('examples', 'seed-loop.mjs')

function run(command: string, args: string[]) {
  const result = spawnSync(command, args, { cwd: packageDir, encoding: 'utf8', timeout: 30_000 })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

/** The printed bins, in order, from the lines getTuples() printed and the flush line. */
function printedBins(stdout: string): { bins: [number, number][]; flushed: [number, number][] } {
  const lines = stdout.trim().split('\n')
  const last = lines.pop()!
  expect(last).toMatch(/^flush: /)
  return { bins: lines.flatMap((line) => JSON.parse(line) as [number, number][]), flushed: JSON.parse(last.slice('flush: '.length)) }
}

describe('examples/seed-loop.mjs', () => {
  it('ends by itself on the simulated clock and prints whole-second bins, each an average of values from 1 to 10', () => {
    const { status, stdout, stderr } = run('node', [script, '--points', '200', '--start', '1700000000.5', '--seed', '7'])
    expect(stderr).toBe('')
    expect(status).toBe(0)
    const { bins, flushed } = printedBins(stdout)
    // 200 points 1.01 to 1.10 s apart span 202 to 220 s: one bin per second from the first.
    expect(bins.length).toBeGreaterThanOrEqual(201)
    expect(bins.length).toBeLessThanOrEqual(220)
    bins.forEach(([start], i) => expect(start).toBe(1700000000 + i))
    for (const [, value] of [...bins, ...flushed]) {
      expect(value).toBeGreaterThanOrEqual(1 - 1e-6)
      expect(value).toBeLessThanOrEqual(10 + 1e-6)
    }
    expect(flushed).toHaveLength(1)
    expect(flushed[0]![0]).toBe(1700000000 + bins.length)
  })

  it('repeats its output for the same seed and start, and not for another seed', () => {
    const args = [script, '--points', '30', '--start', '1700000000.5']
    const first = run('node', [...args, '--seed', '1']).stdout
    expect(run('node', [...args, '--seed', '1']).stdout).toBe(first)
    expect(run('node', [...args, '--seed', '2']).stdout).not.toBe(first)
  })

  it('with --realtime reads the clock and sleeps between points, like the original', () => {
    const before = Date.now() / 1000
    const { status, stdout } = run('node', [script, '--realtime', '--points', '2', '--seed', '3'])
    const after = Date.now() / 1000
    expect(status).toBe(0)
    const { bins, flushed } = printedBins(stdout)
    // The second point comes 1.01 to 1.10 s after the first, so it finishes the first point's bin,
    // and the whole second after it too when the two points straddle two boundaries.
    expect(bins.length).toBeGreaterThanOrEqual(1)
    expect(bins.length).toBeLessThanOrEqual(2)
    if (bins.length === 2) expect(bins[1]![0]).toBe(bins[0]![0] + 1)
    // Its bin is a second within the script's run (however long the process took to start).
    expect(bins[0]![0]).toBeGreaterThanOrEqual(Math.floor(before))
    expect(bins[0]![0]).toBeLessThanOrEqual(Math.floor(after))
    expect(Number.isInteger(bins[0]![0])).toBe(true)
    expect(flushed).toHaveLength(1)
    expect(flushed[0]![0]).toBeGreaterThan(bins[0]![0])
  })

  it('runs as `pnpm example` with ten points by default, starting now', () => {
    const { status, stdout } = run('pnpm', ['--silent', 'example'])
    expect(status).toBe(0)
    const { bins, flushed } = printedBins(stdout)
    expect(bins.length).toBeGreaterThanOrEqual(9)
    expect(bins.length).toBeLessThanOrEqual(11)
    expect(Math.abs(bins[0]![0] - Date.now() / 1000)).toBeLessThan(3600)
    expect(flushed).toHaveLength(1)
  })

  it.each([
    [['--points', 'ten'], '--points must be a positive whole number, got "ten"'],
    [['--points', '0'], '--points must be a positive whole number, got "0"'],
    [['--start', 'yesterday'], '--start must be a time in seconds since the epoch, got "yesterday"'],
    [['--seed', '1.5'], '--seed must be a whole number, got "1.5"'],
    [['--realtime', '--start', '5'], '--start is for the simulated clock; --realtime reads the real one'],
    [['--pionts', '5'], "Unknown option '--pionts'"],
  ])('rejects %j, naming the option and the value', (args, message) => {
    const { status, stdout, stderr } = run('node', [script, ...args])
    expect(status).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toContain(`seed-loop: ${message}`)
  })
})
