import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Point } from '@influxdata/influxdb-client'
import { startVictoriaMetrics, type VictoriaMetricsServer } from '@eht-influx-client/test-support'
import { EHTInfluxDBClient } from './client.js'
import { ClosedError, InvalidInputError } from './errors.js'
import { CaptureSink, makeConfig, readAll, tempDir } from '../test/helpers.js'

let vm: VictoriaMetricsServer
beforeAll(async () => {
  vm = await startVictoriaMetrics()
})
afterAll(async () => {
  await vm?.stop()
})

const T = 1618000000000000000n
const ms = (i: number) => T + BigInt(i) * 1_000_000n

async function open(extra: Record<string, string> = {}) {
  const dir = tempDir()
  const stderr = new CaptureSink()
  const client = await EHTInfluxDBClient.fromConfig(makeConfig(dir, { servers: [{ name: 'cloud', url: vm.url, api: 'v2', keys: { token: 'not-checked' } }], client: { station: 'Kp', ...extra } }), { stderr })
  return { dir, client, stderr }
}

describe('bad input at write()', () => {
  it('throws at the call, naming row and column; nothing of that call is written, nothing before or after is lost', async () => {
    const { dir, client } = await open()
    const api = client.writeApi()
    await api.write({ record: [{ v: 1, timestamp: ms(0) }], dataFrameMeasurementName: 'bad_input' })
    const bad = [
      [{ v: 2, timestamp: ms(1) }, { v: 3 }],
      [{ v: 2, timestamp: ms(1) }, { v: 3, timestamp: 1618000000001 }],
      [{ v: 2, timestamp: ms(1) }, { v: 3, timestamp: 1618000000001000000 }],
      [{ v: 2, timestamp: ms(1) }, { v: NaN, timestamp: ms(2) }],
      [{ v: 2, timestamp: ms(1) }, { station: 'Kp', timestamp: ms(2) }],
      [{ v: 2, timestamp: ms(1) }, { _v: 3, timestamp: ms(2) }],
      [{ v: 2, timestamp: ms(1) }, { station: 4, v: 3, timestamp: ms(2) }],
      [{ v: 2, timestamp: ms(1) }, { v: 'a\nb', timestamp: ms(2) }],
    ]
    for (const record of bad) {
      let error: unknown
      try {
        void api.write({ record, dataFrameMeasurementName: 'bad_input', dataFrameTagColumns: ['station'] })
      } catch (e) {
        error = e
      }
      expect(InvalidInputError.isInstance(error)).toBe(true)
      expect((error as InvalidInputError).row).toBe(1)
      expect((error as Error).message).toMatch(/^row 1/)
    }
    await api.write({ record: [{ v: 9, timestamp: ms(9) }], dataFrameMeasurementName: 'bad_input' })
    await api.close()
    await client.close()
    const logged = await readAll(path.join(dir, 'log'))
    expect(logged.map((r) => r.fields.v)).toEqual([
      { type: 'float', value: 1 },
      { type: 'float', value: 9 },
    ])
    const series = await vm.export('{__name__="bad_input_v"}')
    expect(series.flatMap((s) => s.values)).toEqual([1, 9])
  })

  it('with skipInvalid: the good rows are written and each bad one is reported', async () => {
    const { dir, client, stderr } = await open()
    const invalid: InvalidInputError[] = []
    const api = client.writeApi({ skipInvalid: true, onInvalid: (e) => invalid.push(e) })
    const result = await api.write({
      record: { v: [1, NaN, 3, 4], timestamp: [ms(0), ms(1), ms(2), 'not a time'] },
      dataFrameMeasurementName: 'skipping',
    })
    await client.close()
    expect(result.points).toBe(2)
    expect(result.skipped.map((e) => [e.row, e.column])).toEqual([
      [1, 'v'],
      [3, 'timestamp'],
    ])
    expect(invalid).toEqual(result.skipped)
    expect(stderr.text).toContain('row 1, column "v": field value is NaN')
    expect((await readAll(path.join(dir, 'log'))).map((r) => r.timestamp)).toEqual([ms(0), ms(2)])
    expect(await vm.countSamples('{__name__="skipping_v"}')).toBe(2)
  })
})

describe('the other ways in', () => {
  it('writePoint(s) with official Points and records, writeRecord(s) with line protocol; station tag added', async () => {
    const { dir, client } = await open({ write_mode: 'synchronous' })
    const api = client.writeApi()
    await api.writePoint(new Point('ways').floatField('v', 1).timestamp(String(ms(0))))
    await api.writePoints([{ measurement: 'ways', tags: { station: 'Pv' }, fields: { v: { type: 'float', value: 2 } }, timestamp: ms(1) }])
    await api.writeRecord('ways v=3 1618000000002000000')
    const last = await api.writeRecords(['ways v=4 1618000000003', 'ways v=5 1618000000004'], { timestampUnit: 'ms' })
    expect(last.servers?.cloud?.accepted).toBe(2)
    await client.close()
    const logged = await readAll(path.join(dir, 'log'))
    expect(logged.map((r) => [r.tags.station, r.timestamp])).toEqual([
      ['Kp', ms(0)],
      ['Pv', ms(1)],
      ['Kp', ms(2)],
      ['Kp', ms(3)],
      ['Kp', ms(4)],
    ])
    const series = await vm.export('{__name__="ways_v"}')
    expect(series.map((s) => [s.metric.station, s.values.length]).sort()).toEqual([
      ['Kp', 4],
      ['Pv', 1],
    ])
  })

  it('write after close rejects with ClosedError; writeApi() after client.close() throws it', async () => {
    const { client } = await open()
    const api = client.writeApi()
    await api.close()
    await expect(api.writeRecord('m v=1 1618000000000000000')).rejects.toThrow(ClosedError)
    await client.close()
    expect(() => client.writeApi()).toThrow(ClosedError)
  })
})
