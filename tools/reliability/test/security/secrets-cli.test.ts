import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { COMMANDS } from '@eht-influx-client/cli'
import { freePort, startFaultProxy, startVictoriaMetrics, type FaultProxy, type FaultRequest, type VictoriaMetricsServer } from '@eht-influx-client/test-support'
import { runCliCaptured, runLimited, type CliRun } from '../../src/security-cli.js'
import { secretConfigText, securityTempDir } from '../../src/security-config.js'
import { startHttpsProxy, type HttpsProxy } from '../../src/security-https-proxy.js'
import { startAuthInfluxDB1, type AuthInfluxDB1 } from '../../src/security-influxdb-auth.js'
import { SECRETS, filesUnder, findLeaks, type Captured } from '../../src/security-secrets.js'

// Security check 1 of issue #9, CLI side: every command (and its --help), in
// human, --verbose and --json modes, run as a child process against servers
// that fail in every way, with distinctive credentials configured (literal in
// the file, and through token_env); stdout, stderr and every file it leaves
// (logfile, spool, errors file, checkpoints, exports) are scanned for them.

const ENV = { EHT_TEST_DOWN_TOKEN: SECRETS.token, EHT_CLI_PROGRESS_INTERVAL_MS: '0' }

let influx: AuthInfluxDB1
let vm: VictoriaMetricsServer
let echoing: FaultProxy
let blackhole: FaultProxy
let tls: HttpsProxy
let dir: string
let configFile: string
const seenAuth: string[] = []
const runs: CliRun[] = []

function echo(status: number) {
  return (req: FaultRequest) => {
    const auth = String(req.headers.authorization ?? '')
    seenAuth.push(auth)
    return { kind: 'status' as const, status, headers: { 'x-echo': auth }, body: JSON.stringify({ error: `bad credentials ${auth}`, message: `you sent ${auth} for ${req.url}` }) }
  }
}

beforeAll(async () => {
  ;[influx, vm] = await Promise.all([startAuthInfluxDB1({ username: SECRETS.username, password: SECRETS.password, database: 'eht_test' }), startVictoriaMetrics()])
  ;[echoing, blackhole, tls] = await Promise.all([
    startFaultProxy({ target: vm.url, script: echo(401) }),
    startFaultProxy({ target: influx.url, script: { kind: 'blackhole' } }),
    startHttpsProxy(influx.url),
  ])
  dir = securityTempDir()
  configFile = path.join(dir, 'influx_config.ini')
  const text = secretConfigText([
    // A real 401 from an auth-enabled InfluxDB 1.x (the user does not exist).
    { name: 'local', url: influx.url, api: 'v1', keys: { username: SECRETS.unknownUser } },
    // A proxy that refuses with 401 and echoes the Authorization header.
    { name: 'cloud', url: echoing.url, api: 'v2' },
    // Nothing listens there; the token comes from an environment variable.
    { name: 'down', url: `http://127.0.0.1:${await freePort()}`, api: 'v2', keys: { token_env: 'EHT_TEST_DOWN_TOKEN', token: '' } },
    // https with a self-signed certificate and no ca_file; right credentials.
    { name: 'tls', url: tls.url, api: 'v1' },
    // Accepts the request and never answers.
    { name: 'slow', url: blackhole.url, api: 'v1', keys: { timeout: '300ms' } },
  ]).replace(/\ntoken = \n/, '\n')
  fs.writeFileSync(configFile, text, { mode: 0o600 })
})
afterAll(async () => {
  await Promise.all([echoing?.stop(), blackhole?.stop(), tls?.stop()])
  await Promise.all([influx?.stop(), vm?.stop()])
  if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true })
})

async function cli(groups: readonly (readonly string[])[], stdin?: string): Promise<CliRun[]> {
  const done = await runLimited(groups.map((args) => () => runCliCaptured(['--config', configFile, ...args], { cwd: dir, env: ENV, stdin, timeoutMs: 60_000 })))
  runs.push(...done)
  return done
}

function captured(list: readonly CliRun[]): Captured[] {
  return list.flatMap((r) => [
    { source: `${r.args.join(' ')} stdout`, text: r.stdout },
    { source: `${r.args.join(' ')} stderr`, text: r.stderr },
  ])
}

const told = (list: readonly CliRun[]) => list.map((r) => `${r.stdout}\n${r.stderr}`).join('\n')

describe('no token or password in any output of the CLI', () => {
  it('check, plain, --verbose and --json: every failing server is reported, no secret shown', async () => {
    const done = await cli([['check'], ['check', '--verbose'], ['check', '--json']])
    for (const r of done) expect(r.code).toBe(1)
    const all = told(done)
    expect(all).toMatch(/401/)
    expect(all).toMatch(/connection refused/)
    expect(all).toMatch(/certificate/)
    expect(all).toMatch(/no answer within 0.3 s/)
    expect(seenAuth).toContain(`Token ${SECRETS.token}`)
    expect(findLeaks(captured(done))).toEqual([])
  })

  it('print-config (default, --current, --current --json, --verbose)', async () => {
    const done = await cli([['print-config'], ['print-config', '--current'], ['print-config', '--current', '--json'], ['print-config', '--current', '--verbose']])
    for (const r of done) expect(r.code).toBe(0)
    expect(done[1]!.stdout).toMatch(/token = \*\*\*/)
    expect(findLeaks(captured(done))).toEqual([])
  })

  it('write (async --verbose, --sync --json): points spooled for every failing server, no secret shown', async () => {
    const lines = ['secret_cli,station=Kp v=1 1617672549204824064', 'secret_cli,station=Kp v=2 1617672549204824065', 'secret_cli,station=Kp v=oops 1617672549204824066', ''].join('\n')
    const done = [...(await cli([['write', '--verbose']], lines)), ...(await cli([['write', '--sync', '--json']], lines))]
    for (const r of done) expect(r.code).toBe(1)
    expect(told(done)).toMatch(/spool/)
    expect(findLeaks(captured(done))).toEqual([])
  })

  it('spool, spool drain (--verbose, --json), replay (--verbose, --json, --dry-run), export (v1 401, v2 echoing proxy)', async () => {
    const logDir = path.join(dir, 'log')
    const done = await cli([
      ['spool'],
      ['spool', '--json'],
      ['spool', 'drain', '--verbose'],
      ['spool', 'drain', '--json'],
      ['replay', logDir, '--verbose', '--server', 'local', '--server', 'cloud', '--server', 'down', '--server', 'tls'],
      ['replay', logDir, '--json', '--no-resume'],
      ['replay', logDir, '--dry-run'],
      ['export', '--server', 'local', '-o', path.join(dir, 'export-local.jsonl'), '--verbose'],
      ['export', '--server', 'cloud', '-o', path.join(dir, 'export-cloud.jsonl'), '--json'],
      ['export', '--server', 'tls', '-o', path.join(dir, 'export-tls.jsonl'), '--verbose'],
    ])
    expect(done.map((r) => r.code), done.map((r) => `${r.args.join(" ")}: ${r.code}\n${r.stderr}`).join("\n")).toEqual([0, 0, 1, 1, 1, 1, 0, 1, 1, 1])
    const all = told(done)
    expect(all).toMatch(/401/)
    expect(all).toMatch(/certificate/)
    expect(findLeaks(captured(done))).toEqual([])
  })

  it('--help of every command, help <command>, --version, and a usage error', async () => {
    const done = await cli([
      ['--help'],
      ['--version'],
      ['spool', 'drain', '--help'],
      ['write', '--frobnicate'],
      ...COMMANDS.flatMap((c) => [[c.name, '--help'], ['help', c.name]]),
    ])
    for (const r of done.filter((r) => !r.args.includes('--frobnicate'))) expect(r.code, r.args.join(' ')).toBe(0)
    expect(done.find((r) => r.args.includes('--frobnicate'))!.code).toBe(2)
    expect(findLeaks(captured(done))).toEqual([])
  })

  it('bad configuration values holding a secret: exit 2, the file, line and key named, the secret not shown', async () => {
    const bad: Record<string, string> = {
      'URL with user:password@': `url = https://${SECRETS.username}:${SECRETS.urlPassword}@127.0.0.1:8086`,
      'URL with user:password@ and no scheme': `url = ${SECRETS.username}:${SECRETS.urlPassword}@127.0.0.1:8086`,
      'an unclosed quote': `url = http://127.0.0.1:8086\ntoken = "${SECRETS.token}`,
      'a token pasted on its own line': `url = http://127.0.0.1:8086\n${SECRETS.token}`,
      'a token set twice': `url = http://127.0.0.1:8086\ntoken = ${SECRETS.token}\ntoken = ${SECRETS.token}`,
      'a token in token_env': `url = http://127.0.0.1:8086\ntoken_env = ${SECRETS.token}`,
      'a token in token_file': `url = http://127.0.0.1:8086\ntoken_file = ${SECRETS.token}`,
      'a password on a v2 server': `url = http://127.0.0.1:8086\nusername = ${SECRETS.username}\npassword = ${SECRETS.password}`,
      'a misspelt key': `url = http://127.0.0.1:8086\ntokne = ${SECRETS.token}`,
    }
    const all: CliRun[] = []
    for (const [name, body] of Object.entries(bad)) {
      const sub = path.join(dir, `bad-${Object.keys(bad).indexOf(name)}`)
      fs.mkdirSync(sub)
      const file = path.join(sub, 'influx_config.ini')
      fs.writeFileSync(file, `[client]\nbucket = eht_test\n[server.cloud]\n${body}\n`, { mode: 0o600 })
      all.push(
        ...(await runLimited(
          [['check', '--verbose'], ['print-config', '--current', '--json']].map((args) => () => runCliCaptured(['--config', file, ...args], { cwd: sub, env: ENV })),
        )),
      )
    }
    for (const r of all) {
      expect(r.code, `${r.args.join(' ')}: ${r.stderr}`).toBe(2)
      expect(r.stderr + r.stdout).toMatch(/influx_config\.ini:\d+/)
    }
    expect(findLeaks(captured(all))).toEqual([])
  })

  it('no secret in any file the commands left (logfile, spool, errors file, checkpoints, exports)', () => {
    const files = filesUnder(dir).filter((f) => !f.source.endsWith('influx_config.ini'))
    expect(files.some((f) => f.source.includes(`${path.sep}spool${path.sep}`))).toBe(true)
    expect(files.some((f) => f.source.includes(`${path.sep}log${path.sep}`))).toBe(true)
    expect(findLeaks(files)).toEqual([])
    expect(runs.length).toBeGreaterThan(30)
  })
})
