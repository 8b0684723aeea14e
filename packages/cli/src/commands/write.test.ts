// `write` run as the built command with no server: the built-in default
// configuration (logfile only), input formats, defaults, usage errors, Ctrl-C.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { afterAll, describe, expect, it } from 'vitest'
import { BIN, cleanEnv, parseJsonOutput, removeTempDirs, runCli, tempDir } from '../../test/run-cli.js'
import { logfileLines } from '../../test/station-config.js'

afterAll(removeTempDirs)

const logDir = (dir: string) => path.join(dir, 'eht-influx-log')

describe('write with no configuration at all', () => {
  it('writes the logfile only (the built-in default), says so once, exit 0', async () => {
    const dir = tempDir()
    const run = await runCli(['write'], { cwd: dir, input: 'pps_offset,station=Kp offset_ns=-3.25 1617672549204824064\n' })
    expect(run.code, run.stderr).toBe(0)
    expect(run.stderr.match(/built-in default/g)).toHaveLength(1)
    expect(run.stderr).toMatch(/write: 1 point from stdin \(lp\) to .*eht-influx-log\/eht-\d{4}-\d\d-\d\d\.jsonl; no server configured \(logfile only\); no bad lines/)
    expect(logfileLines(logDir(dir))).toEqual(['{"time":"1617672549204824064","measurement":"pps_offset","tags":{"station":"Kp"},"fields":{"offset_ns":-3.25}}'])
    expect(fs.existsSync(path.join(dir, 'eht-influx-spool'))).toBe(false)
  })

  it('--quiet prints nothing; --json prints one object and keeps the notice on stderr', async () => {
    const dir = tempDir()
    const quiet = await runCli(['write', '--quiet'], { cwd: dir, input: 'm v=1 1617672549204824064\n' })
    expect([quiet.code, quiet.stdout, quiet.stderr]).toEqual([0, '', ''])
    const json = await runCli(['write', '--json'], { cwd: dir, input: 'm v=2 1617672549204824064\n' })
    expect(parseJsonOutput(json)).toMatchObject({ command: 'write', ok: true, points: 1, servers: {}, logfile: expect.stringContaining(logDir(dir)) })
    expect(logfileLines(logDir(dir))).toHaveLength(2)
  })
})

describe('write input', () => {
  it('line protocol without a timestamp gets the current time; a last line without a newline is taken', async () => {
    const dir = tempDir()
    const before = BigInt(Date.now()) * 1_000_000n
    const run = await runCli(['write'], { cwd: dir, input: 'weather,station=Kp temperature_c=-3.5\n# a comment\n\nweather,station=Kp temperature_c=-3.75 1617672549204824064' })
    const after = BigInt(Date.now()) * 1_000_000n
    expect(run.code, run.stderr).toBe(0)
    const [first, second] = logfileLines(logDir(dir)).map((l) => JSON.parse(l) as { time: string })
    expect(BigInt(first!.time) >= before && BigInt(first!.time) <= after).toBe(true)
    expect(second!.time).toBe('1617672549204824064')
  })

  it('--file JSONL: --measurement fills objects without one, --tag fills missing tags (the point\'s own win)', async () => {
    const dir = tempDir()
    fs.writeFileSync(
      path.join(dir, 'readings.jsonl'),
      '{"time":"1617672549204824064","fields":{"temperature_c":45.1}}\n{"time":"1617672550204824064","measurement":"maser","tags":{"station":"Pv"},"fields":{"locked":true}}\n',
    )
    const run = await runCli(['write', '--file', 'readings.jsonl', '--measurement', 'weather', '--tag', 'station=Kp', '--tag', 'source=wx'], { cwd: dir })
    expect(run.code, run.stderr).toBe(0)
    expect(run.stderr).toContain(`2 points from ${path.join(dir, 'readings.jsonl')} (jsonl)`)
    expect(logfileLines(logDir(dir))).toEqual([
      '{"time":"1617672549204824064","measurement":"weather","tags":{"source":"wx","station":"Kp"},"fields":{"temperature_c":45.1}}',
      '{"time":"1617672550204824064","measurement":"maser","tags":{"source":"wx","station":"Pv"},"fields":{"locked":true}}',
    ])
  })

  it('--file CSV (annotated): --measurement for a table without a measurement column; a table with one keeps it', async () => {
    const dir = tempDir()
    const csv = [
      '#datatype dateTime:number,tag,double',
      'time,station,temperature_c',
      '1617672549204824064,Kp,-3.5',
      '',
      '#datatype dateTime:number,measurement,long',
      'time,measurement,lock_count',
      '1617672549204824064,maser,7',
    ].join('\n')
    fs.writeFileSync(path.join(dir, 'in.csv'), `${csv}\n`)
    const run = await runCli(['write', '--file', 'in.csv', '--measurement', 'weather'], { cwd: dir })
    expect(run.code, run.stderr).toBe(0)
    expect(logfileLines(logDir(dir))).toEqual([
      '{"time":"1617672549204824064","measurement":"weather","tags":{"station":"Kp"},"fields":{"temperature_c":-3.5}}',
      '{"time":"1617672549204824064","measurement":"maser","tags":{},"fields":{"lock_count":{"i":"7"}}}',
    ])
    const without = await runCli(['write', '--file', path.join(dir, 'in.csv')], { cwd: tempDir() })
    expect(without.code).toBe(1)
    expect(without.stderr).toMatch(/in\.csv:3: bad line skipped: the table has no measurement column/)
  })

  it('--format overrides the extension; a gzip file is read', async () => {
    const dir = tempDir()
    const zlib = await import('node:zlib')
    fs.writeFileSync(path.join(dir, 'points.txt.gz'), zlib.gzipSync('m v=1 1617672549204824064\nm v=2 1617672550204824064\n'))
    const run = await runCli(['write', '--file', 'points.txt.gz', '--format', 'lp'], { cwd: dir })
    expect(run.code, run.stderr).toBe(0)
    expect(logfileLines(logDir(dir))).toHaveLength(2)
  })
})

describe('write usage errors: exit 2, nothing written', () => {
  it.each([
    [['--tag', 'station'], '--tag "station": expected key=value'],
    [['--tag', 'time=x'], '--tag "time=x": tag key "time" is reserved by InfluxDB for the timestamp'],
    [['--tag', 's=a\\'], '--tag "s=a\\\\": tag value "a\\\\" ends with a backslash'],
    [['--file', 'points.parquet'], 'say --format lp|jsonl|csv'],
    [['--file', 'missing.lp'], 'cannot read'],
    [['--format', 'xml'], "argument 'xml' is invalid"],
  ])('write %j', async (args, message) => {
    const dir = tempDir()
    const run = await runCli(['write', ...args], { cwd: dir, input: 'm v=1 1617672549204824064\n' })
    expect([run.code, run.stderr]).toEqual([2, expect.stringContaining(message)])
    expect(fs.existsSync(logDir(dir))).toBe(false)
  })
})

describe('write of lines the logfile readers would refuse: bad lines, never logged', () => {
  it('a line that is not valid UTF-8 (Latin-1), on stdin and in --file: reported with its line, not logged with U+FFFD, exit 1', async () => {
    const dir = tempDir()
    const bytes = Buffer.concat([Buffer.from('m,site=Kp a=1 1617672549204824064\n'), Buffer.from('m,site=Caf\xe9 a=2 1617672549204824065\n', 'latin1'), Buffer.from('m,site=Pv a=3 1617672549204824066\n')])
    fs.writeFileSync(path.join(dir, 'latin1.lp'), bytes)
    const stdin = await runCli(['write'], { cwd: dir, input: bytes })
    const file = await runCli(['write', '--file', 'latin1.lp'], { cwd: dir })
    for (const [run, where] of [[stdin, 'stdin'], [file, path.join(dir, 'latin1.lp')]] as const) {
      expect(run.code, run.stderr).toBe(1)
      expect(run.stderr).toContain(`${where}:2: bad line skipped: not valid UTF-8`)
      expect(run.stderr).toContain('2 points')
    }
    const logged = logfileLines(logDir(dir))
    expect(logged.map((l) => (JSON.parse(l) as { tags: { site: string } }).tags.site)).toEqual(['Kp', 'Pv', 'Kp', 'Pv'])
    expect(logged.join('\n')).not.toContain('\ufffd')
  })

  it('a line longer than 16 MiB (what replay and convert take) is a bad line; the lines around it are logged', async () => {
    const dir = tempDir()
    const long = `m,site=Kp s="${'x'.repeat(17 * 1024 * 1024)}" 1617672549204824064\n`
    const run = await runCli(['write'], { cwd: dir, input: `m,site=Kp a=1 1617672549204824064\n${long}m,site=Pv a=3 1617672549204824066\n` })
    expect(run.code, run.stderr).toBe(1)
    expect(run.stderr).toContain(`stdin:2: bad line skipped: line is longer than ${16 * 1024 * 1024} bytes`)
    expect(logfileLines(logDir(dir)).map((l) => (JSON.parse(l) as { tags: { site: string } }).tags.site)).toEqual(['Kp', 'Pv'])
  }, 30_000)

  it('a shorter line whose logged (JSONL) line would be longer than 16 MiB is a bad line too', async () => {
    const dir = tempDir()
    // 3 MiB of U+0001 in line protocol: 6 bytes each as JSON (\u0001), 18 MiB in the logfile.
    const run = await runCli(['write'], { cwd: dir, input: `m,site=Kp s="${'\u0001'.repeat(3 * 1024 * 1024)}" 1617672549204824064\nm,site=Pv a=3 1617672549204824066\n` })
    expect(run.code, run.stderr).toBe(1)
    expect(run.stderr).toMatch(/stdin:1: bad line skipped: as logged its line would be \d+ bytes, more than the 16777216 the logfile readers take/)
    expect(logfileLines(logDir(dir)).map((l) => (JSON.parse(l) as { tags: { site: string } }).tags.site)).toEqual(['Pv'])
  }, 30_000)

  it('the station tag the writer adds counts: a line that only fits without it is a bad line', async () => {
    const dir = tempDir()
    const config = path.join(dir, 'station.ini')
    fs.writeFileSync(config, '[client]\nstation = Kp\nprofile = test\n[logfile]\npath = ./log/eht.lp\nformat = lp\nrotate = none\n[spool]\ndir = ./spool\n[errors]\nerrors_file = ./errors.jsonl\n')
    // 16 777 211 bytes: fits as read, but ",station=Kp" makes the logged line 11 bytes longer than the readers take.
    const head = 'm s="'
    const tail = '" 1617672549204824064'
    const long = `${head}${'x'.repeat(16_777_211 - head.length - tail.length)}${tail}`
    expect(Buffer.byteLength(long)).toBe(16_777_211)
    const run = await runCli(['write', '--config', config], { cwd: dir, input: `${long}\nm a=3 1617672549204824066\n` })
    expect(run.code, run.stderr).toBe(1)
    expect(run.stderr).toContain('stdin:1: bad line skipped: as logged its line would be 16777222 bytes, more than the 16777216 the logfile readers take')
    expect(logfileLines(path.join(dir, 'log'))).toEqual(['m,station=Kp a=3 1617672549204824066'])
  }, 30_000)
})

describe('write of a broken .gz file', () => {
  it.each([
    ['empty.lp.gz', Buffer.alloc(0)],
    ['notgz.lp.gz', Buffer.from('not gzip\n')],
  ])('%s: an InputError naming the file, exit 2, one JSON object with --json (no crash)', async (name, bytes) => {
    const dir = tempDir()
    fs.writeFileSync(path.join(dir, name), bytes)
    const run = await runCli(['write', '--file', name], { cwd: dir })
    expect(run.code, run.stderr).toBe(2)
    expect(run.stderr).toContain(`error: cannot read ${path.join(dir, name)}`)
    expect(run.stderr).not.toContain('Unhandled')
    const json = await runCli(['write', '--file', name, '--json'], { cwd: dir })
    expect(json.code, json.stderr).toBe(2)
    expect(parseJsonOutput(json)).toMatchObject({ command: 'write', ok: false, exitCode: 2, error: { name: 'InputError', code: 'EHT_CLI_INPUT', message: expect.stringContaining(path.join(dir, name)) } })
  })
})

describe('write of a .gz cut short', () => {
  it('what was read before the break is logged (every line), then an InputError naming the file and the line, exit 2', async () => {
    const dir = tempDir()
    const text = Array.from({ length: 20_000 }, (_, i) => `m,station=Kp seq=${i + 1}i,v=${Math.sin(i)} ${1617672549204824064n + BigInt(i)}\n`).join('')
    const full = zlib.gzipSync(text)
    // A sixth of the file: some thousand lines decode, fewer than a batch of 5,000 (none sent before the break).
    fs.writeFileSync(path.join(dir, 'cut.lp.gz'), full.subarray(0, Math.floor(full.length / 6)))
    const run = await runCli(['write', '--file', 'cut.lp.gz'], { cwd: dir })
    expect(run.code, run.stderr).toBe(2)
    const read = Number(new RegExp(`error: cannot read ${path.join(dir, 'cut.lp.gz').replace(/[.]/g, '\\.')} after line (\\d+): `).exec(run.stderr)?.[1])
    expect(read, run.stderr).toBeGreaterThan(0)
    expect(read).toBeLessThan(5000)
    const seqs = logfileLines(logDir(dir)).map((l) => Number((JSON.parse(l) as { fields: { seq: { i: string } } }).fields.seq.i))
    expect(seqs).toEqual(Array.from({ length: read }, (_, i) => i + 1))
  })
})

describe('write and Ctrl-C', () => {
  it('SIGINT while waiting on an open stdin: what was read is in the logfile, exit 130', async () => {
    const dir = tempDir()
    const child = spawn(process.execPath, [BIN, 'write'], { cwd: dir, env: cleanEnv(), stdio: ['pipe', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve))
    child.stdin.write('m v=1 1617672549204824064\nm v=2 1617672550204824064\n')
    // the built-in default notice comes once the configuration is loaded and input is being read
    await expect.poll(() => stderr, { timeout: 10_000 }).toContain('built-in default')
    // what was read is logged once the input is quiet (write-points.test.ts covers a Ctrl-C before that)
    await expect.poll(() => logfileLines(logDir(dir)), { timeout: 10_000 }).toHaveLength(2)
    child.kill('SIGINT')
    expect(await closed).toBe(130)
    child.stdin.destroy()
    expect(stderr).toContain('write: 2 points from stdin')
    expect(stderr).toContain('error: interrupted (Ctrl-C)')
    expect(logfileLines(logDir(dir))).toHaveLength(2)
  })
})

describe('write from a pipe that stays open', () => {
  it('logs each point soon after it arrives, so a kill -9 of the pipe loses nothing already sent', async () => {
    const dir = tempDir()
    const child = spawn(process.execPath, [BIN, 'write'], { cwd: dir, env: cleanEnv(), stdio: ['pipe', 'pipe', 'pipe'] })
    const closed = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)))
    child.stdin.write('m,station=Kp v=1 1617672549204824064\n')
    await expect.poll(() => logfileLines(logDir(dir)), { timeout: 10_000 }).toHaveLength(1)
    child.stdin.write('m,station=Kp v=2 1617672550204824064\n')
    await expect.poll(() => logfileLines(logDir(dir)), { timeout: 10_000 }).toHaveLength(2)
    child.kill('SIGKILL')
    expect(await closed).toBe('SIGKILL')
    child.stdin.destroy()
    expect(logfileLines(logDir(dir))).toEqual([
      '{"time":"1617672549204824064","measurement":"m","tags":{"station":"Kp"},"fields":{"v":1}}',
      '{"time":"1617672550204824064","measurement":"m","tags":{"station":"Kp"},"fields":{"v":2}}',
    ])
  })
})
