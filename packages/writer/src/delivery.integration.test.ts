import fs from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseConfig } from '@eht-influx-client/config'
import { startFaultProxy, startInfluxDB1, startVictoriaMetrics, type FaultProxy, type InfluxDB1Server, type VictoriaMetricsServer } from '@eht-influx-client/test-support'
import { listSpool, openDelivery } from './delivery.js'
import { readErrorsFile } from './errors-file.js'
import { InvalidInputError, ProfileGuardError, WriterConfigError } from './errors.js'
import { CaptureSink, configText, makeConfig, tempDir } from '../test/helpers.js'
import { records } from '../test/records.js'

let influx: InfluxDB1Server
let vm: VictoriaMetricsServer
let proxy: FaultProxy
beforeAll(async () => {
  ;[influx, vm] = await Promise.all([startInfluxDB1({ database: 'eht_test' }), startVictoriaMetrics()])
  proxy = await startFaultProxy({ target: influx.url })
})
afterAll(async () => {
  await proxy?.stop()
  await Promise.all([influx?.stop(), vm?.stop()])
})

const both = () => [
  { name: 'local', url: proxy.url, api: 'v1' as const },
  { name: 'cloud', url: vm.url, api: 'v2' as const, keys: { token: 'not-checked' } },
]

describe('openDelivery (the path replay uses)', () => {
  it('send() resolves per chunk with what each server did, without touching the logfile', async () => {
    const dir = tempDir()
    const delivery = await openDelivery(makeConfig(dir, { servers: both() }), { stderr: new CaptureSink() })
    const chunks = [records(100, 'replayed', 1618100000000000000n), records(100, 'replayed', 1618100001000000000n)]
    const outcomes = await Promise.all(chunks.map((chunk) => delivery.send(chunk)))
    expect(outcomes.map((o) => [o.local?.accepted, o.cloud?.accepted])).toEqual([
      [100, 100],
      [100, 100],
    ])
    await delivery.close()
    expect(await influx.countPoints('replayed')).toBe(200)
    expect(await vm.countSamples('{__name__="replayed_value"}')).toBe(200)
    expect(delivery.stats().local).toMatchObject({ written: 200, delivered: 200 })
    await expect(async () => delivery.send(chunks[0]!)).rejects.toThrow(/closed/)
  })

  it('enqueue(JoinedLines.of(lines)) from the public index: one joined chunk, every line delivered to both servers, outcome per server', async () => {
    const { JoinedLines } = await import('../src/index.js')
    const delivery = await openDelivery(makeConfig(tempDir(), { servers: both() }), { stderr: new CaptureSink() })
    const lines = Array.from({ length: 300 }, (_, i) => `joined,station=Kp value=${i / 4} ${1618150000000000000n + BigInt(i) * 1000n}`)
    const joined = JoinedLines.of(lines)
    expect([joined.count, joined.text.split('\n').length]).toEqual([300, 300])
    const outcome = await delivery.enqueue(joined, true)
    expect([outcome.local?.accepted, outcome.cloud?.accepted]).toEqual([300, 300])
    await delivery.close()
    expect(await influx.countPoints('joined')).toBe(300)
    expect(await vm.countSamples('{__name__="joined_value"}')).toBe(300)
  })

  it('enqueue(JoinedLines.fromBytes(bytes)): the bytes delivered to both servers as they are, gzipped or not, with values beyond ASCII', async () => {
    const { JoinedLines } = await import('../src/index.js')
    for (const gzip of [false, true]) {
      const servers = both().map((server) => ({ ...server, keys: { ...server.keys, gzip: String(gzip) } }))
      const delivery = await openDelivery(makeConfig(tempDir(), { servers }), { stderr: new CaptureSink() })
      const measurement = `bytes_${gzip ? 'gzip' : 'plain'}`
      const lines = Array.from({ length: 400 }, (_, i) => `${measurement},station=Kp\\ ☃ value=${i / 4},note="é ${i}" ${1618160000000000000n + BigInt(i) * 1000n}`)
      const outcome = await delivery.enqueue(JoinedLines.fromBytes(Buffer.from(lines.join('\n')), 400), true)
      expect([outcome.local?.accepted, outcome.cloud?.accepted]).toEqual([400, 400])
      await delivery.close()
      expect(await influx.countPoints(measurement)).toBe(400)
      expect(await vm.countSamples(`{__name__="${measurement}_value"}`)).toBe(400)
    }
  })

  it('enqueue(lines, true): once it resolves, the delivery is done with the bytes (replay reuses them): spooled and rejected points keep their text', async () => {
    const { JoinedLines } = await import('../src/index.js')
    const config = makeConfig(tempDir(), { servers: [{ name: 'local', url: proxy.url, api: 'v1' }], retry: { max_retries: '1', min_delay: '20ms', max_retry_time: '1s' } })
    const delivery = await openDelivery(config, { drainSpool: false, stderr: new CaptureSink() })
    const buffer = Buffer.alloc(64 * 1024)
    // Each chunk in the same buffer, overwritten as soon as the outcome is in (as the caller's next chunk would).
    const enqueueIn = async (lines: string[]) => {
      const used = buffer.write(lines.join('\n'))
      const outcome = await delivery.enqueue(JoinedLines.fromBytes(buffer.subarray(0, used), lines.length), true)
      buffer.fill('#')
      return outcome.local
    }
    const at = (second: number, i: number) => 1617672549000000000n + BigInt(second) * 1_000_000_000n + BigInt(i)
    await influx.write(`reused,station=Kp value=1i ${at(0, 0)}`)
    // Points 3 and 7 are floats where InfluxDB has integers: rejected (400); the others accepted.
    const mixed = Array.from({ length: 10 }, (_, i) => `reused,station=Kp value=${i === 3 || i === 7 ? `${i}.5` : `${i}i`} ${at(1, i)}`)
    const down = Array.from({ length: 10 }, (_, i) => `reused,station=Kp value=${i}i ${at(2, i)}`)
    try {
      expect(await enqueueIn(mixed)).toMatchObject({ accepted: 8, rejected: 2 })
      proxy.setScript({ kind: 'status', status: 503 })
      expect(await enqueueIn(down)).toMatchObject({ accepted: 0, spooled: 10 })
    } finally {
      proxy.setScript({ kind: 'pass' })
      await delivery.close()
    }
    expect((await readErrorsFile(config.errors.errorsFile)).map((r) => r.line)).toEqual([mixed[3], mixed[7]])
    const spooled = await listSpool(config, { servers: ['local'] })
    expect(spooled.map((f) => fs.readFileSync(f.file, 'utf8')).join('')).toBe(`${down.join('\n')}\n`)
    expect(await influx.countPoints('reused')).toBe(9)
  })

  it('sends only to the servers named, and names an unknown one', async () => {
    const dir = tempDir()
    const config = makeConfig(dir, { servers: both() })
    const delivery = await openDelivery(config, { servers: ['cloud'], stderr: new CaptureSink() })
    expect(delivery.servers).toEqual(['cloud'])
    const outcome = await delivery.send(records(3, 'only_cloud', 1618200000000000000n))
    expect(Object.keys(outcome)).toEqual(['cloud'])
    await delivery.close()
    await expect(openDelivery(config, { servers: ['nowhere'] })).rejects.toThrow(WriterConfigError)
    await expect(openDelivery(config, { servers: ['nowhere'] })).rejects.toThrow('no server "nowhere"')
  })

  it('send() validates records and names the bad one', async () => {
    const delivery = await openDelivery(makeConfig(tempDir(), { servers: both() }), { stderr: new CaptureSink() })
    const bad = records(3, 'm')
    bad[2] = { ...bad[2]!, fields: { v: { type: 'float', value: NaN } } }
    expect(() => delivery.send(bad)).toThrow(InvalidInputError)
    expect(() => delivery.send(bad)).toThrow(/^point 2, column "v": /)
    await delivery.close()
  })

  it('drainSpool() on demand: spooled points delivered, files deleted only after the server took them', async () => {
    const dir = tempDir()
    const config = makeConfig(dir, { servers: both(), retry: { max_retries: '1', min_delay: '20ms', max_retry_time: '1s' } })
    proxy.setScript({ kind: 'status', status: 503 })
    const writer = await openDelivery(config, { servers: ['local'], drainSpool: false, stderr: new CaptureSink() })
    const outcome = await writer.send(records(250, 'drained', 1618300000000000000n))
    expect(outcome.local).toMatchObject({ spooled: 250 })
    await writer.close()
    expect((await listSpool(config, { servers: ['local'] })).length).toBe(1)

    const replay = await openDelivery(config, { servers: ['local'], drainSpool: false, stderr: new CaptureSink() })
    const failed = await replay.drainSpool()
    expect(failed).toEqual([{ server: 'local', files: 0, remainingFiles: 1, delivered: 0, rejected: 0, badLines: 0, failed: expect.stringContaining('HTTP 503') }])
    expect(await replay.listSpool()).toHaveLength(1)
    proxy.setScript({ kind: 'pass' })
    const done = await replay.drainSpool()
    expect(done).toEqual([{ server: 'local', files: 1, remainingFiles: 0, delivered: 250, rejected: 0, badLines: 0, failed: undefined }])
    expect(await replay.listSpool()).toEqual([])
    expect(await influx.countPoints('drained')).toBe(250)
    await replay.close()
  })

  it('enforces the profile guard before anything is sent', async () => {
    const dir = tempDir()
    const text = configText({ servers: [{ name: 'local', url: proxy.url, api: 'v1', bucket: 'eht_test' }] })
    const config = parseConfig(text, `${dir}/influx_config.ini`)
    const prodBucket = { ...config, servers: [{ ...config.servers[0]!, bucket: 'eht' }] }
    const before = proxy.stats().requests
    await expect(openDelivery(prodBucket)).rejects.toThrow(ProfileGuardError)
    expect(proxy.stats().requests).toBe(before)
  })
})
