import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startInfluxDB1, type InfluxDB1Server } from './influxdb1.js'
import { startVictoriaMetrics, type VictoriaMetricsServer } from './victoria-metrics.js'

// halt() and restart(): a server going down and coming back on the same port with its data.
let influx: InfluxDB1Server
let vm: VictoriaMetricsServer
beforeAll(async () => {
  ;[influx, vm] = await Promise.all([startInfluxDB1({ database: 'restart_test' }), startVictoriaMetrics()])
})
afterAll(async () => {
  await Promise.all([influx?.stop(), vm?.stop()])
})

const refused = (url: string) => fetch(url).then(() => 'answered', (e: Error) => (e.cause as { code?: string } | undefined)?.code ?? e.message)

describe('halt and restart', () => {
  it('InfluxDB 1.x refuses connections while halted and keeps its data across restart', async () => {
    await influx.write('m v=1 1617672549204824064', 'restart_test')
    const firstPid = influx.process.pid
    await influx.halt()
    expect(await refused(`${influx.url}/ping`)).toBe('ECONNREFUSED')
    await influx.restart()
    expect(influx.process.pid).not.toBe(firstPid)
    await influx.write('m v=2 1617672549204824065', 'restart_test')
    expect(await influx.countPoints('m', 'restart_test')).toBe(2)
  })

  it('VictoriaMetrics refuses connections while halted and keeps its data across restart', async () => {
    const post = (body: string) => fetch(`${vm.url}/api/v2/write?bucket=b&org=o&precision=ns`, { method: 'POST', body })
    expect((await post('r v=1 1617672549204000000')).status).toBe(204)
    await vm.flush()
    await vm.halt()
    expect(await refused(`${vm.url}/health`)).toBe('ECONNREFUSED')
    await vm.restart()
    expect((await post('r v=2 1617672549205000000')).status).toBe(204)
    expect(await vm.countSamples('{__name__="r_v"}')).toBe(2)
  })
})
