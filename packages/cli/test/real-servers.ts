// The real servers of an integration test file: InfluxDB 1.x (a v1 server)
// and VictoriaMetrics (a v2 server: it names metrics `<measurement>_<field>`
// and keeps ms), started before the file's tests and stopped after them,
// with the temporary directories of run-cli removed.
import { startInfluxDB1, startVictoriaMetrics, type InfluxDB1Server, type VictoriaMetricsServer } from '@eht-influx-client/test-support'
import { afterAll, beforeAll } from 'vitest'
import { removeTempDirs } from './run-cli.js'
import type { TestServer } from './station-config.js'

export interface RealServers {
  influx: InfluxDB1Server
  victoria: VictoriaMetricsServer
  /** `local` (the InfluxDB, v1) and `cloud` (VictoriaMetrics, v2), for station(). */
  servers: TestServer[]
}

/** Registers the hooks; the returned object is filled once the servers answer (use it inside tests and later hooks). */
export function useRealServers(): RealServers {
  const real = {} as RealServers
  beforeAll(async () => {
    ;[real.influx, real.victoria] = await Promise.all([startInfluxDB1({ database: 'eht_test' }), startVictoriaMetrics()])
    real.servers = [
      { name: 'local', url: real.influx.url, api: 'v1' },
      { name: 'cloud', url: real.victoria.url, api: 'v2' },
    ]
  })
  afterAll(async () => {
    await Promise.all([real.influx?.stop(), real.victoria?.stop()])
    removeTempDirs()
  })
  return real
}
