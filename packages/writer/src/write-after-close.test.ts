import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Point } from '@influxdata/influxdb-client'
import { EHTInfluxDBClient } from './client.js'
import { openDelivery } from './delivery.js'
import { ClosedError } from './errors.js'
import type { ErrorEvent } from './events.js'
import { CaptureSink, closedPort, makeConfig, readAll, tempDir } from '../test/helpers.js'

/** Uncaught exceptions and unhandled rejections while a test runs (each would end a station script). */
let crashes: unknown[] = []
const onCrash = (reason: unknown) => crashes.push(reason)
beforeEach(() => {
  crashes = []
  process.on('uncaughtException', onCrash)
  process.on('unhandledRejection', onCrash)
})
afterEach(() => {
  process.off('uncaughtException', onCrash)
  process.off('unhandledRejection', onCrash)
})

const T = 1618000000000000000n

/** Calls `write` and returns the promise it gives; fails the test if the call throws instead. */
function returned<T>(write: () => Promise<T>): Promise<T> {
  let promise: Promise<T> | undefined
  expect(() => (promise = write())).not.toThrow()
  expect(promise).toBeInstanceOf(Promise)
  return promise!
}

describe('a write after close()', () => {
  it('every write method returns a promise that rejects with ClosedError, rather than throwing at the call', async () => {
    const client = await EHTInfluxDBClient.fromConfig(makeConfig(tempDir(), {}), { stderr: new CaptureSink() })
    const api = client.writeApi()
    await api.close()
    const record = { measurement: 'm', tags: {}, fields: { v: { type: 'float' as const, value: 1 } }, timestamp: T }
    const calls = [
      () => api.write({ record: { v: 1, timestamp: T }, dataFrameMeasurementName: 'm' }),
      () => api.writePoint(new Point('m').floatField('v', 1)),
      () => api.writePoints([record]),
      () => api.writeRecord(`m v=1 ${T}`),
      () => api.writeRecords([`m v=1 ${T}`]),
    ]
    for (const call of calls) await expect(returned(call)).rejects.toThrow(ClosedError)
    // A WriteApi left open is closed by client.close(): the same.
    const open = client.writeApi()
    await client.close()
    await expect(returned(() => open.writeRecord(`m v=1 ${T}`))).rejects.toThrow(/write after close\(\)/)
    expect(() => client.writeApi()).toThrow(ClosedError)
  })

  it('a timer that keeps writing with .catch() while a signal handler awaits close(): close() finishes, the process goes on', async () => {
    const dir = tempDir()
    const config = makeConfig(dir, { servers: [{ name: 'down', url: `http://127.0.0.1:${await closedPort()}`, api: 'v1' }] })
    const client = await EHTInfluxDBClient.fromConfig(config, { stderr: new CaptureSink() })
    const api = client.writeApi()
    const failed: unknown[] = []
    let i = 0
    const timer = setInterval(() => {
      api.writeRecord(`loop v=${i} ${T + BigInt(i++)}`).catch((error: unknown) => failed.push(error))
    }, 2)
    await new Promise((resolve) => setTimeout(resolve, 50))
    await api.close()
    await client.close()
    await new Promise((resolve) => setTimeout(resolve, 30)) // the timer keeps writing after the close
    clearInterval(timer)
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(crashes).toEqual([])
    expect(failed.length).toBeGreaterThan(0)
    expect(failed.every((e) => ClosedError.isInstance(e))).toBe(true)
    // Every write that was accepted before the close is in the logfile and in the sealed spool.
    const logged = await readAll(`${dir}/log`)
    expect(logged.length + failed.length).toBe(i)
    expect(client.stats().down).toMatchObject({ written: logged.length, spooled: logged.length, dropped: 0 })
  })

  it('a fire-and-forget write (no .catch()) while close() runs: no unhandled rejection, close() finishes, the lost points are reported to onError and stderr', async () => {
    const dir = tempDir()
    const config = makeConfig(dir, { servers: [{ name: 'down', url: `http://127.0.0.1:${await closedPort()}`, api: 'v1' }], errors: { stderr: 'every' } })
    const stderr = new CaptureSink()
    const clientErrors: ErrorEvent[] = []
    const apiErrors: ErrorEvent[] = []
    const client = await EHTInfluxDBClient.fromConfig(config, { stderr, onError: (e) => clientErrors.push(e) })
    const api = client.writeApi({ onError: (e) => apiErrors.push(e) })
    let i = 0
    const timer = setInterval(() => void api.writeRecord(`ff v=${i} ${T + BigInt(i++)}`), 2)
    await new Promise((resolve) => setTimeout(resolve, 50))
    await client.close() // closes the WriteApi: the timer's writes from now on are refused
    await new Promise((resolve) => setTimeout(resolve, 30))
    clearInterval(timer)
    // The refused promise still rejects for a caller that awaits it.
    await expect(api.writeRecords([`ff v=1 ${T}`, `ff v=2 ${T}`])).rejects.toThrow(ClosedError)
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(crashes).toEqual([])
    const logged = await readAll(`${dir}/log`)
    expect(client.stats().down).toMatchObject({ written: logged.length, spooled: logged.length, dropped: 0 })
    const lostEvents = (events: ErrorEvent[]) => events.filter((e) => ClosedError.isInstance(e.error))
    const lost = lostEvents(clientErrors)
    expect(lost.length).toBeGreaterThan(0)
    // Every refused point is counted: the timer's (i written, logged.length stored) and the awaited call's 2.
    const refused = i - logged.length + 2
    expect(lost.reduce((n, e) => n + e.points, 0)).toBe(refused)
    for (const e of lost) {
      expect(e.server).toBeUndefined()
      expect(e.reason).toBe(`${e.points} points written after close() were not stored (write after close(): this WriteApi is closed; get a new one with client.writeApi())`)
    }
    // The WriteApi's own onError hears of its lost points too, though its callbacks are gone from the client's events.
    expect(lostEvents(apiErrors).reduce((n, e) => n + e.points, 0)).toBe(refused)
    const lines = stderr.text.split('\n').filter((l) => l.includes('written after close() were not stored'))
    expect(lines.reduce((n, l) => n + Number(/ERROR (\d+) points written after close\(\)/.exec(l)![1]), 0)).toBe(refused)
  })

  it('a loop of writes after close() is one report per turn of the event loop, with its points counted (rows, columns, points)', async () => {
    const stderr = new CaptureSink()
    const errors: ErrorEvent[] = []
    const client = await EHTInfluxDBClient.fromConfig(makeConfig(tempDir(), { errors: { stderr: 'every' } }), { stderr, onError: (e) => errors.push(e) })
    const api = client.writeApi()
    await client.close()
    for (let k = 0; k < 100; k++) void api.writeRecord(`m v=${k} ${T}`)
    void api.write({ record: [{ v: 1, timestamp: T }, { v: 2, timestamp: T }], dataFrameMeasurementName: 'm' })
    void api.write({ record: { v: [1, 2, 3], timestamp: [T, T, T] }, dataFrameMeasurementName: 'm' })
    void api.write({ record: { v: 1, timestamp: T }, dataFrameMeasurementName: 'm' })
    void api.writePoints([new Point('m').floatField('v', 1), new Point('m').floatField('v', 2)])
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(crashes).toEqual([])
    expect(errors.map((e) => e.points)).toEqual([100 + 2 + 3 + 1 + 2])
    expect(stderr.text).toContain('ERROR 108 points written after close() were not stored')
  })

  it('delivery.send() and delivery.enqueue() after close() reject with ClosedError', async () => {
    const delivery = await openDelivery(makeConfig(tempDir(), {}), { stderr: new CaptureSink() })
    await delivery.close()
    const record = { measurement: 'm', tags: {}, fields: { v: { type: 'float' as const, value: 1 } }, timestamp: T }
    await expect(returned(() => delivery.send([record]))).rejects.toThrow(ClosedError)
    await expect(returned(() => delivery.enqueue([`m v=1 ${T}`]))).rejects.toThrow(ClosedError)
    await expect(returned(() => delivery.enqueue([`m v=1 ${T}`], true))).rejects.toThrow(ClosedError)
  })
})
