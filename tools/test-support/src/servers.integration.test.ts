import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import fs from 'node:fs'
import { startInfluxDB1, type InfluxDB1Server } from './influxdb1.js'
import { startVictoriaMetrics, type VictoriaMetricsServer } from './victoria-metrics.js'
import { MissingBinaryError, requireBinary } from './binaries.js'

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe('InfluxDB 1.x (Debian influxd)', () => {
  let server: InfluxDB1Server
  beforeAll(async () => {
    server = await startInfluxDB1({ database: 'harness_test' })
  })
  afterAll(async () => {
    await server?.stop()
  })

  it('writes a point with a ns timestamp above 2^53 and reads it back through /query', async () => {
    await server.write('pps_offset,station=Kp value=-3i 1617672549204824064')
    const text = await server.queryText('SELECT value, station FROM pps_offset', { db: 'harness_test', epoch: 'ns' })
    // The raw text keeps every digit; JSON.parse would round it to 1617672549204824000.
    expect(text).toContain('[1617672549204824064,-3,"Kp"]')
    expect(await server.countPoints('pps_offset')).toBe(1)
  })

  it('listens only on loopback and keeps its files in a fresh temporary directory', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(fs.existsSync(server.dir)).toBe(true)
  })
})

describe('VictoriaMetrics (Debian victoria-metrics)', () => {
  let server: VictoriaMetricsServer
  beforeAll(async () => {
    server = await startVictoriaMetrics()
  })
  afterAll(async () => {
    await server?.stop()
  })

  it('accepts the InfluxDB v2 write API and returns the point through /api/v1/export', async () => {
    const res = await fetch(`${server.url}/api/v2/write?bucket=eht_test&org=eht&precision=ns`, {
      method: 'POST',
      body: 'weather,station=Kp temperature=12.5 1617672549204824064\n',
    })
    expect(res.status).toBe(204)
    const series = await server.export('{__name__="weather_temperature"}')
    expect(series).toHaveLength(1)
    expect(series[0]?.metric).toMatchObject({ __name__: 'weather_temperature', station: 'Kp' })
    expect(series[0]?.values).toEqual([12.5])
    // VictoriaMetrics keeps milliseconds.
    expect(series[0]?.timestamps).toEqual([1617672549204])
  })
})

describe('stopping', () => {
  it('leaves no process and no directory behind', async () => {
    const influx = await startInfluxDB1()
    const vm = await startVictoriaMetrics()
    const pids = [influx.process.pid, vm.process.pid]
    expect(pids.every(alive)).toBe(true)
    await Promise.all([influx.stop(), vm.stop()])
    expect(pids.some(alive)).toBe(false)
    expect(fs.existsSync(influx.dir)).toBe(false)
    expect(fs.existsSync(vm.dir)).toBe(false)
    await influx.stop() // idempotent
  })
})

describe('a missing binary', () => {
  it('names the Debian package to install', () => {
    let error: unknown
    try {
      requireBinary('influxd-that-does-not-exist', 'influxdb')
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(MissingBinaryError)
    expect((error as Error).message).toContain("Install the Debian package 'influxdb'")
  })
})
