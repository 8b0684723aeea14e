// `check` run as the built command against real servers: InfluxDB 1.x as a v1
// server and VictoriaMetrics as a v2 server, and a port nobody listens on.
import fs from 'node:fs'
import path from 'node:path'
import { freePort, startInfluxDB1, startVictoriaMetrics, type InfluxDB1Server, type VictoriaMetricsServer } from '@eht-influx-client/test-support'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseJsonOutput, removeTempDirs, runCli, tempDir } from '../../test/run-cli.js'

let influx: InfluxDB1Server
let victoria: VictoriaMetricsServer
let defaultText: string

beforeAll(async () => {
  ;[influx, victoria] = await Promise.all([startInfluxDB1({ database: 'eht_test' }), startVictoriaMetrics()])
  const printed = await runCli(['print-config'])
  expect(printed.code).toBe(0)
  defaultText = printed.stdout
})
afterAll(async () => {
  await Promise.all([influx?.stop(), victoria?.stop()])
  removeTempDirs()
})

/** What a station engineer does: `print-config > influx_config.ini`, then add server sections. */
function configDir(servers: string): { dir: string; file: string } {
  const dir = tempDir()
  const file = path.join(dir, 'influx_config.ini')
  fs.writeFileSync(file, defaultText.replace('[client]\n', '[client]\nbucket = eht_test\n') + servers)
  return { dir, file }
}

describe('check with servers', () => {
  it('accepts the printed default plus a v1 and a v2 server: exit 0, the file named, every step ok', async () => {
    const { dir, file } = configDir(`\n[server.local]\nurl = ${influx.url}\napi = v1\n\n[server.cloud]\nurl = ${victoria.url}\napi = v2\ntoken = abc\n`)
    const run = await runCli(['check'], { cwd: dir })
    expect(run.code, run.stdout + run.stderr).toBe(0)
    expect(run.stdout).toContain(`configuration: ${file}`)
    expect(run.stdout).toMatch(/server local: v1 http:\/\/127\.0\.0\.1:\d+, database "eht_test"\n {2}ok {5}ping: answers \/ping in \d+ ms \(InfluxDB 1\.6/)
    expect(run.stdout).toContain('ok     database: database "eht_test" exists')
    expect(run.stdout).toMatch(/server cloud: v2 .*\n(.*\n)*? {2}ok {5}write: write authorised/)
    expect(run.stdout).toMatch(/logfile: .*eht-%Y-%m-%d\.jsonl\n {2}ok {5}.*free/)
    expect(run.stderr).toContain('check: all well (2 servers checked')
    expect(run.stderr).not.toContain('built-in default')
    expect(await influx.countPoints('eht_check')).toBe(0)
    expect(await victoria.countSamples()).toBe(0)
  })

  it('--json: one object with every server and location', async () => {
    const { dir, file } = configDir(`\n[server.local]\nurl = ${influx.url}\napi = v1\n`)
    const run = await runCli(['check', '--json'], { cwd: dir })
    expect(run.code).toBe(0)
    const json = parseJsonOutput(run)
    expect(json).toMatchObject({ command: 'check', ok: true, exitCode: 0, source: file, builtInDefault: false, problems: [] })
    expect(json.servers).toEqual([expect.objectContaining({ name: 'local', api: 'v1', ok: true })])
    expect((json.locations as { what: string }[]).map((l) => l.what)).toEqual(['logfile', 'spool', 'errors file'])
  })

  it('exit 1 when a server is unreachable, naming it in the summary; the others are still checked', async () => {
    const port = await freePort()
    const { dir } = configDir(`\n[server.local]\nurl = ${influx.url}\napi = v1\n\n[server.cloud]\nurl = http://127.0.0.1:${port}\napi = v2\ntoken = abc\n`)
    const run = await runCli(['check'], { cwd: dir })
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('FAILED ping: connection refused')
    expect(run.stdout).toContain('ok     write: write authorised')
    expect(run.stderr).toMatch(new RegExp(`check: 1 problem: server cloud \\(http://127\\.0\\.0\\.1:${port}\\): ping: connection refused`))
    const quiet = await runCli(['check', '--quiet'], { cwd: dir })
    expect(quiet.code).toBe(1)
    expect(quiet.stdout).not.toContain('server local')
    expect(quiet.stdout).toContain('FAILED ping: connection refused')
    expect(quiet.stderr).toBe('')
  })

  it('exit 1 when a server refuses: the database does not exist', async () => {
    const { dir } = configDir(`\n[server.local]\nurl = ${influx.url}\napi = v1\nbucket = missing_test\n`)
    const run = await runCli(['check', '--json'], { cwd: dir })
    expect(run.code).toBe(1)
    expect(parseJsonOutput(run).problems).toEqual([expect.stringContaining('database "missing_test" does not exist')])
  })
})

describe('check without servers', () => {
  it('with no configuration at all: the built-in default, said once, exit 0', async () => {
    const run = await runCli(['check'])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('configuration: built-in default')
    expect(run.stdout).toContain('servers: none configured')
    expect(run.stderr.match(/built-in default/g)).toHaveLength(1)
  })

  it('a bad configuration: exit 2, the message names file, line, section and key, no stack trace', async () => {
    const { dir, file } = configDir('')
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^max_retries = .*$/m, 'max_retries = lots'))
    const run = await runCli(['check', '--config', file], { cwd: dir })
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(new RegExp(`error: ${file.replace(/[.]/g, '\\.')}:\\d+(:\\d+)?: .*\\[retry\\] max_retries`))
    expect(run.stderr).not.toMatch(/\n\s+at /)
    const json = await runCli(['check', '--config', file, '--json'], { cwd: dir })
    expect(parseJsonOutput(json)).toMatchObject({ ok: false, exitCode: 2, error: { code: 'EHT_CLI_CONFIG', message: expect.stringContaining('max_retries') } })
  })

  it('configuration errors found by the audit: exit 2 naming file, line and key, never a secret, never "unexpected failure"', async () => {
    const cases: [string, string, RegExp][] = [
      [`\n[server.a]\nurl = ${victoria.url}\ntoken = “Tok-s3cret”\n`, 'Tok-s3cret', /:\d+:1: \[server\.a\] token: character 1 of the token is a non-ASCII character/],
      [`\n[server.a]\nurl = ${victoria.url}\ntoken_env = Tok-s3cret==\n`, 'Tok-s3cret', /:\d+:1: \[server\.a\] token_env: the value is not the name of an environment variable.*value not shown/],
      [`\n[server.a]\nurl = ${influx.url}\napi = v1\ntimeout = 0\n`, '"0"', /:\d+:1: \[server\.a\] timeout: "0" is not valid; expected a duration above 0/],
    ]
    for (const [servers, secret, message] of cases) {
      const { dir, file } = configDir(servers)
      for (const args of [['check', '-c', file], ['write', '-c', file]]) {
        const run = await runCli(args, { cwd: dir, input: 'm v=1 1617672549204824064\n' })
        expect(run.code, run.stderr).toBe(2)
        expect(run.stderr).toMatch(message)
        expect(run.stderr).not.toContain('unexpected failure')
        if (secret !== '"0"') expect(run.stdout + run.stderr).not.toContain(secret)
      }
      const json = await runCli(['check', '-c', file, '--json'], { cwd: dir })
      expect(parseJsonOutput(json)).toMatchObject({ ok: false, exitCode: 2, error: { code: 'EHT_CLI_CONFIG', message: expect.stringMatching(message) } })
      if (secret !== '"0"') expect(json.stdout + json.stderr).not.toContain(secret)
    }
  })

  it('-c wins over an EHT_INFLUX_CONFIG that names an unset variable', async () => {
    const { dir, file } = configDir('')
    const run = await runCli(['check', '-c', file], { cwd: dir, env: { EHT_INFLUX_CONFIG: '$UNSET_DIR/x.ini' } })
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toContain(`configuration: ${file}`)
    const without = await runCli(['check'], { cwd: dir, env: { EHT_INFLUX_CONFIG: '$UNSET_DIR/x.ini' } })
    expect(without.code).toBe(2)
    expect(without.stderr).toContain('EHT_INFLUX_CONFIG, the configuration path $UNSET_DIR/x.ini names $UNSET_DIR, which is not set')
  })

  it('a missing --config file: exit 2', async () => {
    const run = await runCli(['check', '--config', '/nonexistent/eht.ini'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('/nonexistent/eht.ini')
  })

  it('--profile prod against _test buckets: exit 2 from the config package profile guard', async () => {
    const { dir } = configDir(`\n[server.local]\nurl = ${influx.url}\napi = v1\n`)
    const run = await runCli(['--profile', 'prod', 'check'], { cwd: dir })
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/prod/)
  })
})
