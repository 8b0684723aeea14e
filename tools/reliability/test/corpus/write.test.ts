import path from 'node:path'
import fs from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseConfig } from '@eht-influx-client/config'
import * as writer from '@eht-influx-client/writer'
import { EHTInfluxDBClient, type WriteApi, type WriteResult } from '@eht-influx-client/writer'
import { startInfluxDB1, type InfluxDB1Server } from '@eht-influx-client/test-support'
import { loadCases, measurementsOf, type ExpectedError, type WriteCall } from '../../src/corpus-cases.js'
import { decodeTagged } from '../../src/corpus-encoding.js'
import { corpusConfigText, corpusTempDir } from '../../src/corpus-env.js'
import { errorClasses, expectClass, expectWords } from '../../src/corpus-expect.js'
import { expectedServerPoints, loggedLines, serverPoints } from '../../src/corpus-readback.js'

// The write() part of the bad-input corpus (corpus/write/*.json): each call of
// a case runs against a real InfluxDB 1.x through the full writer. A call with
// `error` must throw it and lose nothing written before; a skipInvalid call
// must skip exactly its bad items. Afterwards the logfile and the server hold
// exactly the `arrive` points of the case's measurements, values included.

const cases = loadCases('write')
const classes = errorClasses(writer)
let influx: InfluxDB1Server
let dir: string
let client: EHTInfluxDBClient
const stderr = { text: '', write: (chunk: string) => ((stderr.text += chunk), true) }

beforeAll(async () => {
  influx = await startInfluxDB1({ database: 'eht_test' })
  dir = corpusTempDir('write')
  const file = path.join(dir, 'influx_config.ini')
  fs.writeFileSync(file, corpusConfigText(dir, influx.url, influx.database), { mode: 0o600 })
  client = await EHTInfluxDBClient.fromConfig(parseConfig(fs.readFileSync(file, 'utf8'), file), { stderr })
})
afterAll(async () => {
  await client?.close()
  await influx?.stop()
  if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true })
})

function run(api: WriteApi, call: WriteCall): Promise<WriteResult> {
  const options = decodeTagged(call.options) as Record<string, unknown>
  switch (call.method ?? 'write') {
    case 'write':
      return api.write(options as unknown as Parameters<WriteApi['write']>[0])
    case 'writeRecords': {
      const { lines, ...rest } = options
      return api.writeRecords(lines as string[], rest)
    }
    case 'writePoints': {
      const { points, ...rest } = options
      return api.writePoints(points as Parameters<WriteApi['writePoints']>[0], rest)
    }
  }
}

function expectInputError(error: unknown, expected: ExpectedError, label: string): void {
  expectClass(error, expected.class, classes, label)
  const e = error as writer.InvalidInputError
  expectWords(e.message, expected, label)
  if (expected.row !== undefined) expect(e.row, `${label}: row`).toBe(expected.row)
  if (expected.column !== undefined) expect(e.column, `${label}: column`).toBe(expected.column)
}

/** The measurements a case touches: of its arrive lines and of its calls (valid names only). */
function measurementsOfCase(calls: readonly WriteCall[], arrive: readonly string[]): string[] {
  const names = new Set(measurementsOf(arrive))
  for (const call of calls) {
    const m = call.options.dataFrameMeasurementName
    if (typeof m === 'string' && /^[a-z][a-z0-9_]*$/.test(m)) names.add(m)
    for (const p of (call.options.points as { measurement?: unknown }[] | undefined) ?? []) if (typeof p.measurement === 'string') names.add(p.measurement)
    for (const l of (call.options.lines as string[] | undefined) ?? []) names.add(measurementsOf([l])[0]!)
  }
  return [...names]
}

describe('corpus: write()', () => {
  it('has cases', () => expect(cases.length).toBeGreaterThanOrEqual(15))

  for (const { id, data } of cases) {
    it(id, async () => {
      const api = client.writeApi()
      try {
        for (const [i, call] of data.calls.entries()) {
          const label = `${id} call ${i}`
          let result: WriteResult | undefined
          let thrown: unknown
          try {
            result = await run(api, call)
          } catch (error) {
            thrown = error
          }
          if (call.error !== undefined) {
            expect(thrown, `${label}: should throw ${call.error.class}`).toBeDefined()
            expectInputError(thrown, call.error, label)
            continue
          }
          expect(thrown, `${label}: should not throw`).toBeUndefined()
          const skipped = call.skipped ?? []
          expect(result!.skipped.map((s) => s.message), `${label}: skipped items`).toHaveLength(skipped.length)
          skipped.forEach((expected, j) => expectInputError(result!.skipped[j], expected, `${label} skipped ${j}`))
        }
        await api.flush()
      } finally {
        await api.close()
      }
      const measurements = measurementsOfCase(data.calls, data.arrive)
      const wanted = expectedServerPoints(data.arrive)
      // The logfile: exactly the arriving points (no more, no fewer, exact text and types).
      expect((await loggedLines(path.join(dir, 'log'), measurements)).sort(), `${id}: logfile`).toEqual([...data.arrive].sort())
      // The server: the same points, count and values.
      for (const m of measurements) expect(await serverPoints(influx, m), `${id}: server, measurement ${m}`).toEqual(wanted.get(m) ?? [])
    })
  }
})
