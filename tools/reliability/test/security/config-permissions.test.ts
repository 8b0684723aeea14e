import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '@eht-influx-client/config'
import { EHTInfluxDBClient } from '@eht-influx-client/writer'
import { runCliCaptured, runLimited } from '../../src/security-cli.js'
import { securityTempDir } from '../../src/security-config.js'
import { SECRETS, findLeaks } from '../../src/security-secrets.js'

// Security check 3 of issue #9: a configuration file that holds a token or
// password and that group or others may read gets a warning (config loader,
// writer, CLI on stderr) naming the file and its mode and saying chmod 600,
// never the secret. No warning at 0600, nor for a file without a secret, nor
// for a secret that comes from an environment variable. The check is on the
// mode bits, so it holds when the tests run as root.

let dir: string
beforeAll(() => {
  dir = securityTempDir()
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

const SERVERS = {
  token: `[server.cloud]\nurl = http://127.0.0.1:9\ntoken = ${SECRETS.token}\n`,
  password: `[server.local]\nurl = http://127.0.0.1:9\napi = v1\nusername = ${SECRETS.username}\npassword = ${SECRETS.password}\n`,
  tokenEnv: '[server.cloud]\nurl = http://127.0.0.1:9\ntoken_env = EHT_TEST_PERM_TOKEN\n',
  none: '',
}
const ENV = { EHT_TEST_PERM_TOKEN: SECRETS.token }

/** Writes a config file holding `server` with `mode` (chmod after writing: the umask does not interfere). */
function configFile(name: string, server: string, mode: number): string {
  const sub = path.join(dir, name)
  fs.mkdirSync(sub, { recursive: true })
  const file = path.join(sub, 'influx_config.ini')
  fs.writeFileSync(file, `[client]\nbucket = eht_test\n${server}[logfile]\npath = ./log/eht-%Y-%m-%d.jsonl\n[spool]\ndir = ./spool\n[errors]\nerrors_file = ./errors.jsonl\n`)
  fs.chmodSync(file, mode)
  return file
}

const permissionWarnings = (warnings: readonly string[]) => warnings.filter((w) => /readable by/.test(w))

describe('a group- or world-readable config file holding a secret warns', () => {
  it.each([
    ['token', 'group and others', '0644', 0o644],
    ['token', 'group', '0640', 0o640],
    ['token', 'others', '0604', 0o604],
    ['password', 'group and others', '0644', 0o644],
  ] as const)('config loader: a literal %s, readable by %s (mode %s)', async (what, who, octal, mode) => {
    const file = configFile(`${what}-${octal}`, SERVERS[what], mode)
    const config = await loadConfig(file, { env: ENV })
    const warnings = permissionWarnings(config.warnings)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain(file)
    expect(warnings[0]).toContain(`readable by ${who} (mode ${octal})`)
    expect(warnings[0]).toContain(`chmod 600 ${file}`)
    expect(findLeaks([{ source: 'warning', text: warnings[0]! }])).toEqual([])
  })

  it.each([
    ['a literal token at mode 0600', 'token', 0o600],
    ['a literal password at mode 0400', 'password', 0o400],
    ['no secret at mode 0644', 'none', 0o644],
    ['a token from an environment variable at mode 0644', 'tokenEnv', 0o644],
  ] as const)('config loader: no warning for %s', async (_name, what, mode) => {
    const file = configFile(`quiet-${what}-${mode.toString(8)}`, SERVERS[what], mode)
    const config = await loadConfig(file, { env: ENV })
    expect(permissionWarnings(config.warnings)).toEqual([])
    if (what === 'tokenEnv') expect(config.servers[0]!.token!.reveal()).toBe(SECRETS.token)
  })

  it('writer: fromConfigFile prints the warning on its stderr, without the secret', async () => {
    const file = configFile('writer-0644', SERVERS.token, 0o644)
    let stderr = ''
    const client = await EHTInfluxDBClient.fromConfigFile(file, { env: ENV, stderr: { write: (t: string) => (stderr += t) }, drainSpool: false })
    await client.close()
    expect(stderr).toContain(`readable by group and others (mode 0644); run \`chmod 600 ${file}\``)
    expect(findLeaks([{ source: 'writer stderr', text: stderr }])).toEqual([])
  })

  it('CLI: check, print-config --current and write print it on stderr (not at 0600, not for an env-var secret), never the secret', async () => {
    const loose = configFile('cli-0644', SERVERS.password, 0o644)
    const tight = configFile('cli-0600', SERVERS.password, 0o600)
    const fromEnv = configFile('cli-env-0644', SERVERS.tokenEnv, 0o644)
    const jobs = [loose, tight, fromEnv].flatMap((file) =>
      [['check', '--json'], ['print-config', '--current'], ['write']].map((args) => () => runCliCaptured(['--config', file, ...args], { cwd: path.dirname(file), env: ENV, stdin: 'perm_check v=1 1617672549204824064\n' })),
    )
    const runs = await runLimited(jobs)
    runs.forEach((run, i) => {
      const file = [loose, tight, fromEnv][Math.floor(i / 3)]!
      const warned = /readable by group and others \(mode 0644\)/.test(run.stderr)
      expect(warned, `${run.args.join(' ')}\n${run.stderr}`).toBe(file === loose)
      if (file === loose) {
        expect(run.stderr).toContain(`eht-influx-client: ${file} holds a literal token or password ([server.local] password, line`)
        expect(run.stderr).toContain(`chmod 600 ${file}`)
      }
    })
    expect(findLeaks(runs.flatMap((r) => [{ source: `${r.args.join(' ')} stdout`, text: r.stdout }, { source: `${r.args.join(' ')} stderr`, text: r.stderr }]))).toEqual([])
  })
})
