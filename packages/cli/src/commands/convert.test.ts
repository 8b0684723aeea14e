// `convert` run as the built command (a child process) on real files.
import { execFileSync, spawnSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import zlib from 'node:zlib'
import { afterAll, describe, expect, it } from 'vitest'
import { BIN, cleanEnv, parseJsonOutput, removeTempDirs, runCli, tempDir } from '../../test/run-cli.js'
import { stationPoints } from '../../test/station-config.js'

const fixture = (name: string) => fileURLToPath(new URL(`../../test/fixtures/${name}`, import.meta.url))
const station = fs.readFileSync(fixture('station.lp'), 'utf8')
afterAll(removeTempDirs)

async function convert(dir: string, input: string, output: string, ...extra: string[]) {
  const run = await runCli(['convert', input, '-o', output, ...extra], { cwd: dir })
  expect(run.code, run.stderr).toBe(0)
  return run
}

describe('convert round trips', () => {
  it.each([
    ['lp', 'jsonl', 'csv'],
    ['lp', 'csv', 'jsonl'],
  ])('%s -> %s -> %s -> lp gives the same line protocol, byte for byte', async (_lp, first, second) => {
    const dir = tempDir()
    fs.writeFileSync(path.join(dir, 'in.lp'), station)
    await convert(dir, 'in.lp', `a.${first}`)
    await convert(dir, `a.${first}`, `b.${second}`)
    await convert(dir, `b.${second}`, 'out.lp')
    expect(fs.readFileSync(path.join(dir, 'out.lp'), 'utf8')).toBe(station)
  })

  it('jsonl -> csv -> jsonl and csv -> jsonl -> csv are byte-exact too', async () => {
    const dir = tempDir()
    fs.writeFileSync(path.join(dir, 'in.lp'), station)
    await convert(dir, 'in.lp', 'a.jsonl')
    await convert(dir, 'a.jsonl', 'b.csv')
    await convert(dir, 'b.csv', 'c.jsonl')
    await convert(dir, 'c.jsonl', 'd.csv')
    const read = (name: string) => fs.readFileSync(path.join(dir, name), 'utf8')
    expect(read('c.jsonl')).toBe(read('a.jsonl'))
    expect(read('d.csv')).toBe(read('b.csv'))
    expect(read('a.jsonl')).toContain('"time":"1617672549204824064"')
    expect(read('a.jsonl')).toContain('{"u":"18446744073709551615"}')
  })

  it('--from / --to override the extensions; .gz is written compressed and read back', async () => {
    const dir = tempDir()
    fs.writeFileSync(path.join(dir, 'points.txt'), station)
    await convert(dir, 'points.txt', 'a.jsonl.gz', '--from', 'lp')
    expect(fs.readFileSync(path.join(dir, 'a.jsonl.gz')).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]))
    await convert(dir, 'a.jsonl.gz', 'back.data', '--to', 'lp')
    expect(fs.readFileSync(path.join(dir, 'back.data'), 'utf8')).toBe(station)
  })
})

describe('convert reports what it could not do', () => {
  it('bad lines: file:line on stderr, counted, the good points written, exit 1', async () => {
    const dir = tempDir()
    const run = await runCli(['convert', fixture('bad-lines.jsonl'), '-o', 'good.lp'], { cwd: dir })
    expect(run.code).toBe(1)
    expect(run.stderr).toContain(`${fixture('bad-lines.jsonl')}:2: bad line skipped: not valid JSON`)
    expect(run.stderr).toMatch(new RegExp(`bad-lines\\.jsonl:4(:\\d+)?: bad line skipped: .*fields`))
    expect(run.stderr).toMatch(/convert: 2 points from .* 2 bad lines skipped/)
    expect(fs.readFileSync(path.join(dir, 'good.lp'), 'utf8')).toBe('pps_offset,station=Kp offset_ns=-3.25 1617672549204824064\npps_offset,station=Kp offset_ns=-2.5 1617672550204824064\n')
    const json = parseJsonOutput(await runCli(['convert', fixture('bad-lines.jsonl'), '-o', 'again.lp', '--json'], { cwd: dir }))
    expect(json).toMatchObject({ command: 'convert', ok: false, exitCode: 1, points: 2, badLines: 2, badLineSamples: [{ line: 2 }, { line: 4 }] })
  })

  it('refuses to replace an existing output unless --force', async () => {
    const dir = tempDir()
    fs.writeFileSync(path.join(dir, 'in.lp'), station)
    fs.writeFileSync(path.join(dir, 'out.jsonl'), 'keep me\n')
    const refused = await runCli(['convert', 'in.lp', '-o', 'out.jsonl'], { cwd: dir })
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain('out.jsonl exists; use --force')
    expect(fs.readFileSync(path.join(dir, 'out.jsonl'), 'utf8')).toBe('keep me\n')
    await convert(dir, 'in.lp', 'out.jsonl', '--force')
    expect(fs.readFileSync(path.join(dir, 'out.jsonl'), 'utf8')).toContain('"measurement":"pps_offset"')
  })

  it('a missing input or an unknown extension: exit 2 naming it', async () => {
    const dir = tempDir()
    const missing = await runCli(['convert', 'nowhere.lp', '-o', 'x.csv'], { cwd: dir })
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringContaining(`${path.join(dir, 'nowhere.lp')}`)])
    fs.writeFileSync(path.join(dir, 'in.lp'), station)
    const unknown = await runCli(['convert', 'in.lp', '-o', 'x.parquet'], { cwd: dir })
    expect([unknown.code, unknown.stderr]).toEqual([2, expect.stringContaining('say --to jsonl|csv|lp')])
    expect(fs.readdirSync(dir)).toEqual(['in.lp'])
  })
})

describe('convert progress', () => {
  it('prints plain progress lines when stderr is not a terminal, then one summary line', async () => {
    const dir = tempDir()
    fs.writeFileSync(path.join(dir, 'big.lp'), stationPoints(5000))
    const run = await runCli(['convert', 'big.lp', '-o', 'big.csv'], { cwd: dir, env: { EHT_CLI_PROGRESS_INTERVAL_MS: '0' } })
    expect(run.code).toBe(0)
    const lines = run.stderr.trim().split('\n')
    const progress = lines.filter((l) => /^convert: [\d.]+ kB of [\d.]+ kB \(\d+%\), [\d,]+ points, [\d.]+ [kM]?B\/s/.test(l))
    expect(progress.length).toBeGreaterThanOrEqual(4)
    expect(lines.at(-1)).toMatch(/^convert: 5,000 points from .*big\.lp \(lp\) to .*big\.csv \(csv\).*; no bad lines$/)
    expect(run.stderr).not.toMatch(/\u001b\[/) // no terminal control codes in a log file
    const quiet = await runCli(['convert', 'big.lp', '-o', 'quiet.csv', '--quiet'], { cwd: dir, env: { EHT_CLI_PROGRESS_INTERVAL_MS: '0' } })
    expect([quiet.code, quiet.stderr]).toEqual([0, ''])
  })

  it('a file of another name holding gzip: progress counts points (its size does not bound what is read), and it converts whole', async () => {
    const dir = tempDir()
    // influx_inspect export -compress writes gzip to a file named as the user says.
    fs.writeFileSync(path.join(dir, 'export.lp'), zlib.gzipSync(stationPoints(5000)))
    const run = await runCli(['convert', 'export.lp', '-o', 'out.lp'], { cwd: dir, env: { EHT_CLI_PROGRESS_INTERVAL_MS: '0' } })
    expect(run.code, run.stderr).toBe(0)
    expect(fs.readFileSync(path.join(dir, 'out.lp'), 'utf8')).toBe(stationPoints(5000))
    const lines = run.stderr.trim().split('\n')
    const progress = lines.slice(0, -1)
    expect(progress.length).toBeGreaterThanOrEqual(1)
    for (const line of progress) expect(line).toMatch(/^convert: [\d,]+ points, /)
    expect(lines.at(-1)).toMatch(/^convert: 5,000 points from .*export\.lp \(lp\)/)
  })

  const hasScript = spawnSync('script', ['--version']).status === 0
  it.runIf(hasScript)('draws a cli-progress bar when stderr is a terminal (a real pty through script(1))', () => {
    const dir = tempDir()
    fs.writeFileSync(path.join(dir, 'big.lp'), stationPoints(20000))
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} convert big.lp -o big.jsonl`
    const result = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: dir, env: cleanEnv(), encoding: 'utf8' })
    expect(result.status, result.stdout).toBe(0)
    expect(result.stdout).toMatch(/convert \[[\u2588\u2591]+\] \d+% \| [\d.]+ [kM]B of [\d.]+ [kM]B \| [\d,]+ points \| /)
    expect(fs.readFileSync(path.join(dir, 'big.jsonl'), 'utf8').split('\n')).toHaveLength(20001)
  })
})

describe('convert and Ctrl-C', () => {
  /**
   * convert reads a named pipe; once a batch is in the partial file and it
   * waits for more input, it gets SIGINT. `afterInterrupted` runs when it has
   * reported the interruption.
   */
  async function interruptWhileReadingPipe(afterInterrupted: (child: ChildProcess, closeWriter: () => Promise<void>) => Promise<void>) {
    const dir = tempDir()
    const fifo = path.join(dir, 'live.pipe')
    execFileSync('mkfifo', [fifo])
    let partialSeen = false
    let child: ChildProcess | undefined
    let interruptedSeen: () => void = () => {}
    const interrupted = new Promise<void>((resolve) => (interruptedSeen = resolve))
    const run = runCli(['convert', fifo, '--from', 'lp', '-o', 'out.jsonl'], {
      cwd: dir,
      env: { EHT_CLI_PROGRESS_INTERVAL_MS: '0' },
      onSpawn(spawned) {
        child = spawned
        let stderr = ''
        spawned.stderr!.on('data', (chunk: Buffer) => {
          stderr += chunk.toString()
          if (!partialSeen && /convert: [\d,]+ points/.test(stderr)) {
            partialSeen = fs.readdirSync(dir).some((f) => f.startsWith('.out.jsonl.partial-'))
            spawned.kill('SIGINT')
          }
          if (stderr.includes('error: interrupted')) interruptedSeen()
        })
      },
    })
    const writer = await fs.promises.open(fifo, 'w')
    await writer.write(stationPoints(1100))
    await interrupted
    let closed = false
    const closeWriter = async () => {
      if (!closed) await writer.close()
      closed = true
    }
    await afterInterrupted(child!, closeWriter)
    const result = await run
    await closeWriter()
    expect(partialSeen).toBe(true)
    expect(result.stderr).toContain('interrupted (Ctrl-C): stopping cleanly')
    expect(fs.readdirSync(dir)).toEqual(['live.pipe'])
    return result
  }

  it('SIGINT while blocked reading a pipe: exit 130, no output file, no partial file left', async () => {
    // Ctrl-C in a terminal stops the whole pipeline: the producer goes too
    const result = await interruptWhileReadingPipe((_child, closeWriter) => closeWriter())
    expect(result.code).toBe(130)
  })

  it('a second SIGINT ends it at once, even while the pipe stays open', async () => {
    const result = await interruptWhileReadingPipe(async (child) => {
      child.kill('SIGINT')
    })
    expect(result.code === 130 || result.signal === 'SIGINT').toBe(true)
  })
})

describe('convert and the partial files of killed runs', () => {
  it('a leftover partial file named with its own pid (a killed run of a container\'s PID 1) is not in the way', async () => {
    const dir = tempDir()
    fs.writeFileSync(path.join(dir, 'in.lp'), station)
    // Made in the CLI's own process before it runs: the leftover has exactly its pid.
    const preload = path.join(dir, 'leftover.mjs')
    fs.writeFileSync(preload, "import fs from 'node:fs'\nfs.writeFileSync(`.out.jsonl.partial-${process.pid}`, 'half a line of a killed run')\n")
    const run = await runCli(['convert', 'in.lp', '-o', 'out.jsonl'], { cwd: dir, nodeArgs: ['--import', preload] })
    expect(run.code, run.stderr).toBe(0)
    await convert(dir, 'out.jsonl', 'back.lp')
    expect(fs.readFileSync(path.join(dir, 'back.lp'), 'utf8')).toBe(station)
  })

  it('the partial file of a run killed with SIGKILL is removed by the next run', async () => {
    const dir = tempDir()
    const fifo = path.join(dir, 'live.pipe')
    execFileSync('mkfifo', [fifo])
    fs.writeFileSync(path.join(dir, 'in.lp'), station)
    let killed: () => void = () => {}
    const partialSeen = new Promise<void>((resolve) => (killed = resolve))
    const first = runCli(['convert', fifo, '--from', 'lp', '-o', 'out.jsonl'], {
      cwd: dir,
      onSpawn(child) {
        const poll = setInterval(() => {
          if (!fs.readdirSync(dir).some((f) => f.startsWith('.out.jsonl.partial-'))) return
          clearInterval(poll)
          child.kill('SIGKILL')
          killed()
        }, 20)
      },
    })
    const writer = await fs.promises.open(fifo, 'w')
    await partialSeen
    const result = await first
    await writer.close()
    expect(result.signal).toBe('SIGKILL')
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('.out.jsonl.partial-'))).toHaveLength(1)
    await convert(dir, 'in.lp', 'out.jsonl')
    expect(fs.readdirSync(dir).sort()).toEqual(['in.lp', 'live.pipe', 'out.jsonl'])
  })
})
