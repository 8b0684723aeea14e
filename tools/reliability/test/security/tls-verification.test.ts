import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig, UnknownKeyError } from '@eht-influx-client/config'
import { EHTInfluxDBClient, listSpool, openDelivery } from '@eht-influx-client/writer'
import { startInfluxDB1, startVictoriaMetrics, type InfluxDB1Server, type VictoriaMetricsServer } from '@eht-influx-client/test-support'
import { runCliCaptured } from '../../src/security-cli.js'
import { securityTempDir } from '../../src/security-config.js'
import { startHttpsProxy, TLS_FIXTURES, type HttpsProxy } from '../../src/security-https-proxy.js'

// Security check 2 of issue #9: TLS certificate verification is on by default.
// Real servers (InfluxDB 1.x, VictoriaMetrics) sit behind an https proxy with a
// self-signed certificate (committed in fixtures/, valid 2000-2100). Without
// ca_file, or with an unrelated CA in it, the writer and the CLI refuse to
// talk to them and nothing is lost (logfile + spool); with ca_file naming the
// certificate, the same points arrive. There is no option to turn verification off.

let influx: InfluxDB1Server
let vm: VictoriaMetricsServer
let influxTls: HttpsProxy
let vmTls: HttpsProxy

beforeAll(async () => {
  ;[influx, vm] = await Promise.all([startInfluxDB1({ database: 'eht_test' }), startVictoriaMetrics()])
  ;[influxTls, vmTls] = await Promise.all([startHttpsProxy(influx.url), startHttpsProxy(vm.url)])
})
afterAll(async () => {
  await Promise.all([influxTls?.stop(), vmTls?.stop()])
  await Promise.all([influx?.stop(), vm?.stop()])
})

/** A configuration with both servers behind https; `caFile` (absolute) for both, or none. */
function tlsConfig(dir: string, caFile: string | undefined): string {
  const ca = caFile === undefined ? '' : `ca_file = ${caFile}\n`
  const text = [
    '[client]\nbucket = eht_test\nstation = Kp\n',
    `[server.local]\nurl = ${influxTls.url}\napi = v1\ntimeout = 2s\nflush_interval = 50ms\n${ca}`,
    `[server.cloud]\nurl = ${vmTls.url}\napi = v2\ntoken = not-checked\ntimeout = 2s\nflush_interval = 50ms\n${ca}`,
    '[logfile]\npath = ./log/eht-%Y-%m-%d.jsonl\n',
    '[retry]\nmax_retries = 1\nmin_delay = 20ms\nmax_delay = 50ms\njitter = 0\nmax_retry_time = 3s\n',
    '[spool]\ndir = ./spool\n',
    '[errors]\nerrors_file = ./errors.jsonl\nstderr = every\n',
  ].join('\n')
  const file = path.join(dir, 'influx_config.ini')
  fs.writeFileSync(file, text, { mode: 0o600 })
  return file
}

const rows = (measurement: string, n: number) => ({
  record: Array.from({ length: n }, (_, i) => ({ station: 'Kp', v: i, timestamp: 1617672549204824064n + BigInt(i) })),
  dataFrameMeasurementName: measurement,
  dataFrameTagColumns: ['station'],
})

/** Samples of field `v` of `measurement` in VictoriaMetrics (it names them <measurement>_v). */
const vmCount = (measurement: string) => vm.countSamples(`{__name__="${measurement}_v"}`)

function logLines(dir: string): number {
  const logDir = path.join(dir, 'log')
  return fs.readdirSync(logDir).reduce((n, f) => n + fs.readFileSync(path.join(logDir, f), 'utf8').split('\n').filter(Boolean).length, 0)
}

describe('TLS verification on by default (writer)', () => {
  it('refuses a self-signed server without ca_file and with an unrelated CA: points logged and spooled, the error names certificate verification; with ca_file they arrive', async () => {
    const dir = securityTempDir()
    const before = { forwarded: influxTls.forwarded + vmTls.forwarded, refused: influxTls.tlsClientErrors + vmTls.tlsClientErrors }
    const reasons: string[] = []
    for (const [measurement, ca] of [['tls_no_ca', undefined], ['tls_other_ca', TLS_FIXTURES.otherCa]] as const) {
      const client = await EHTInfluxDBClient.fromConfigFile(tlsConfig(dir, ca), { stderr: { write: () => true }, drainSpool: false, onError: (e) => reasons.push(e.reason) })
      const result = await client.writeApi({ writeMode: 'synchronous' }).write(rows(measurement, 5))
      await client.close()
      expect(result.servers).toMatchObject({ local: { accepted: 0, spooled: 5 }, cloud: { accepted: 0, spooled: 5 } })
    }
    // Nothing got past the handshake; the client broke it off.
    expect(influxTls.forwarded + vmTls.forwarded).toBe(before.forwarded)
    expect(influxTls.tlsClientErrors + vmTls.tlsClientErrors).toBeGreaterThanOrEqual(before.refused + 4)
    expect(reasons.length).toBeGreaterThanOrEqual(4)
    for (const reason of reasons) expect(reason).toMatch(/self-signed certificate.*TLS certificate verification failed.*set ca_file/)
    expect(logLines(dir)).toBe(10)
    const spooled = await listSpool(await loadConfig(path.join(dir, 'influx_config.ini')))
    expect(new Set(spooled.map((s) => s.server))).toEqual(new Set(['local', 'cloud']))
    expect(await influx.countPoints('tls_no_ca')).toBe(0)

    // The same configuration with ca_file: the spool drains and new points go through.
    const trusted = await loadConfig(tlsConfig(dir, TLS_FIXTURES.cert))
    const delivery = await openDelivery(trusted, { drainSpool: false, stderr: { write: () => true } })
    const drained = await delivery.drainSpool()
    await delivery.close()
    const client = await EHTInfluxDBClient.fromConfig(trusted, { stderr: { write: () => true }, drainSpool: false })
    const result = await client.writeApi({ writeMode: 'synchronous' }).write(rows('tls_check_after', 5))
    await client.close()
    expect(drained.map((d) => [d.server, d.delivered, d.remainingFiles])).toEqual([
      ['local', 10, 0],
      ['cloud', 10, 0],
    ])
    expect(result.servers).toMatchObject({ local: { accepted: 5, spooled: 0 }, cloud: { accepted: 5, spooled: 0 } })
    for (const measurement of ['tls_no_ca', 'tls_other_ca']) {
      expect(await influx.countPoints(measurement)).toBe(5)
      expect(await vmCount(measurement)).toBe(5)
    }
    expect(await influx.countPoints('tls_check_after')).toBe(5)
    expect(await vmCount('tls_check_after')).toBe(5)
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('a URL written with an upper-case scheme (HTTPS://) is https, verified the same way: with ca_file the points arrive', async () => {
    const dir = securityTempDir()
    const file = tlsConfig(dir, TLS_FIXTURES.cert)
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replaceAll('url = https://', 'url = HTTPS://'))
    const config = await loadConfig(file)
    expect(config.servers.map((s) => s.url.slice(0, 8))).toEqual(['HTTPS://', 'HTTPS://'])
    const client = await EHTInfluxDBClient.fromConfig(config, { stderr: { write: () => true }, drainSpool: false })
    const result = await client.writeApi({ writeMode: 'synchronous' }).write(rows('tls_upper_scheme', 3))
    await client.close()
    expect(result.servers).toMatchObject({ local: { accepted: 3, spooled: 0 }, cloud: { accepted: 3, spooled: 0 } })
    expect(await influx.countPoints('tls_upper_scheme')).toBe(3)
    expect(await vmCount('tls_upper_scheme')).toBe(3)
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('has no option to turn verification off: such a key is refused as unknown', async () => {
    const dir = securityTempDir()
    for (const key of ['insecure_skip_verify = true', 'tls_verify = false', 'verify_ssl = false', 'insecure = true']) {
      const file = tlsConfig(dir, undefined)
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('api = v1\n', `api = v1\n${key}\n`))
      await expect(loadConfig(file)).rejects.toSatisfy((e) => UnknownKeyError.isInstance(e) && /\[server\.local\]/.test((e as Error).message))
    }
    fs.rmSync(dir, { recursive: true, force: true })
  })
})

describe('TLS verification on by default (CLI)', () => {
  it('check and write fail without ca_file (points spooled, certificate named); with ca_file check passes, spool drain and write deliver', async () => {
    const dir = securityTempDir()
    const run = (args: string[], stdin?: string, env?: NodeJS.ProcessEnv) => runCliCaptured(['--config', path.join(dir, 'influx_config.ini'), ...args], { cwd: dir, stdin, env })
    const lines = 'tls_cli,station=Kp v=1 1617672549204824064\ntls_cli,station=Kp v=2 1617672549204824065\n'

    tlsConfig(dir, undefined)
    const [check, write] = await Promise.all([run(['check']), run(['write'], lines)])
    const refusedExport = await run(['export', '--server', 'local', '-o', path.join(dir, 'refused.lp')])
    expect(refusedExport.code).toBe(1)
    expect(refusedExport.stderr).toMatch(/certificate/)
    expect(fs.existsSync(path.join(dir, 'refused.lp'))).toBe(false)
    expect(check.code).toBe(1)
    expect(check.stdout).toMatch(/server local:.*\n\s+FAILED ping: self-signed certificate \(DEPTH_ZERO_SELF_SIGNED_CERT\): TLS certificate verification failed/)
    expect(check.stdout).toMatch(/server cloud:.*\n\s+FAILED ping: self-signed certificate/)
    expect(write.code).toBe(1)
    expect(write.stdout + write.stderr).toMatch(/server local: 0 delivered, 2 spooled/)
    expect(write.stdout + write.stderr).toMatch(/server cloud: 0 delivered, 2 spooled/)
    expect(write.stderr).toMatch(/TLS certificate verification failed/)

    // NODE_TLS_REJECT_UNAUTHORIZED=0 is the only way around verification: explicit, and Node warns on stderr.
    const insecure = await run(['check'], undefined, { NODE_TLS_REJECT_UNAUTHORIZED: '0' })
    expect(insecure.stderr).toMatch(/NODE_TLS_REJECT_UNAUTHORIZED.*insecure/)

    tlsConfig(dir, TLS_FIXTURES.cert)
    const okCheck = await run(['check'])
    expect(okCheck.code, okCheck.stdout + okCheck.stderr).toBe(0)
    expect(okCheck.stdout).toMatch(/server local:.*\n\s+ok\s+ping/)
    const drain = await run(['spool', 'drain'])
    expect(drain.code, drain.stdout + drain.stderr).toBe(0)
    const write2 = await run(['write', '--sync'], 'tls_cli2,station=Kp v=3 1617672549204824066\n')
    expect(write2.code, write2.stdout + write2.stderr).toBe(0)
    expect(await influx.countPoints('tls_cli')).toBe(2)
    expect(await influx.countPoints('tls_cli2')).toBe(1)
    expect(await vmCount('tls_cli')).toBe(2)
    expect(await vmCount('tls_cli2')).toBe(1)
    // export reads the server back over the same verified https.
    const exported = await run(['export', '--server', 'local', '--measurement', 'tls_cli', '-o', path.join(dir, 'exported.lp')])
    expect(exported.code, exported.stderr).toBe(0)
    expect(fs.readFileSync(path.join(dir, 'exported.lp'), 'utf8').trim().split('\n')).toHaveLength(2)
    fs.rmSync(dir, { recursive: true, force: true })
  })
})
