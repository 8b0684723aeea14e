import fs from 'node:fs'
import path from 'node:path'
import { defaultConfig, defaultConfigText, parseConfig } from '@eht-influx-client/config'
import { afterAll, describe, expect, it } from 'vitest'
import { parseJsonOutput, removeTempDirs, runCli, tempDir } from '../../test/run-cli.js'

afterAll(removeTempDirs)

const withoutOrigin = ({ source: _s, warnings: _w, ...rest }: ReturnType<typeof defaultConfig>) => rest

describe('print-config', () => {
  it('prints the default configuration, which the config package parses back to the default', async () => {
    const cwd = tempDir()
    const run = await runCli(['print-config'], { cwd })
    expect(run.code).toBe(0)
    expect(run.stderr).toBe('')
    expect(run.stdout).toBe(defaultConfigText().endsWith('\n') ? defaultConfigText() : `${defaultConfigText()}\n`)
    const parsed = parseConfig(run.stdout, path.join(cwd, 'influx_config.ini'), { env: {} })
    expect(withoutOrigin(parsed)).toEqual(withoutOrigin(defaultConfig({ cwd })))
  })

  it('--json: the same text in one JSON object', async () => {
    const run = await runCli(['--json', 'print-config'])
    expect(parseJsonOutput(run)).toEqual({ command: 'print-config', ok: true, exitCode: 0, current: false, text: defaultConfigText() })
  })
})

describe('print-config --current', () => {
  const secretConfig = (dir: string) => {
    const file = path.join(dir, 'station.ini')
    fs.writeFileSync(file, '[client]\nbucket = eht_test\nstation = Kp\n[server.cloud]\nurl = https://influx.example.org\napi = v2\ntoken = tok-very-secret-123\n[server.local]\nurl = http://127.0.0.1:8086\napi = v1\nusername = eht\npassword = pw-very-secret-456\n', { mode: 0o600 })
    return file
  }

  it('prints the effective configuration of the file, secrets as ***, in text and in JSON', async () => {
    const dir = tempDir()
    const file = secretConfig(dir)
    const run = await runCli(['print-config', '--current', '--config', file])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('station = Kp')
    expect(run.stdout).toMatch(/token = \*\*\*/)
    expect(run.stdout).toMatch(/password = \*\*\*/)
    const json = await runCli(['print-config', '--current', '--config', file, '--json'])
    const object = parseJsonOutput(json)
    expect(object).toMatchObject({ current: true, source: file, config: { client: { station: 'Kp' }, servers: [{ name: 'cloud', token: '***' }, { name: 'local', password: '***' }] } })
    for (const output of [run.stdout, run.stderr, json.stdout, json.stderr]) {
      expect(output).not.toContain('very-secret')
    }
  })

  it('with no configuration file: the built-in default, and a note saying so once (not with --quiet)', async () => {
    const cwd = tempDir()
    const env = { HOME: tempDir() }
    const run = await runCli(['print-config', '--current'], { cwd, env })
    expect(run.code).toBe(0)
    expect(run.stderr.match(/built-in default/g)).toHaveLength(1)
    expect(run.stdout).toContain('[logfile]')
    const quiet = await runCli(['print-config', '--current', '--quiet'], { cwd, env })
    expect(quiet.stderr).toBe('')
    expect(quiet.stdout).toBe(run.stdout)
  })
})
