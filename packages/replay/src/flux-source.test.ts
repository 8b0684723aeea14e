// The v2 export path against RECORDED Flux answers: no InfluxDB 2 server runs on
// this machine, so a small local HTTP server plays /api/v2/query, answering with
// annotated CSV in the shape InfluxDB 2.x sends (test/fixtures/flux-station.csv)
// and recording the queries it was sent.
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixtures, removeTempDirs, tempDir, testConfig } from '../test/support.js'
import { ExportDataError, ExportQueryError, ReplayAbortError } from './errors.js'
import { exportToLogfile } from './export-to-logfile.js'

interface Received {
  url: string
  authorization: string | undefined
  query: string
}

let server: http.Server
let url: string
let answer: { status: number; body: string } = { status: 200, body: '' }
const received: Received[] = []

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString()))
    req.on('end', () => {
      received.push({ url: req.url ?? '', authorization: req.headers.authorization, query: (JSON.parse(body) as { query: string }).query })
      if (answer.status === 0) return // a server that never answers
      res.writeHead(answer.status, { 'content-type': answer.status === 200 ? 'text/csv; charset=utf-8' : 'application/json' })
      res.end(answer.body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
  removeTempDirs()
})

const SINCE = 1617667200000000000n // 2021-04-06T00:00:00Z
const UNTIL = 1617753600000000000n // 2021-04-07T00:00:00Z

function config(dir: string) {
  return testConfig(dir, [{ name: 'cloud', url, api: 'v2', extra: ['token = s3cret-token', 'org = eht'] }])
}

describe('exportToLogfile from a v2 server (Flux, recorded answers)', () => {
  it('rebuilds points from one-field-per-row tables with every field type exact', async () => {
    answer = { status: 200, body: fs.readFileSync(path.join(fixtures, 'flux-station.csv'), 'utf8') }
    received.length = 0
    const dir = tempDir()
    const output = path.join(dir, 'cloud.lp')
    const summary = await exportToLogfile({ config: config(dir), server: 'cloud', since: SINCE, until: UNTIL, output })
    expect(summary).toMatchObject({ points: 5, skipped: 0, queries: 1 })
    expect(fs.readFileSync(output, 'utf8')).toBe(fs.readFileSync(path.join(fixtures, 'flux-station.lp'), 'utf8'))
    expect(received).toHaveLength(1)
    expect(received[0]!.url).toBe('/api/v2/query?org=eht')
    expect(received[0]!.authorization).toBe('Token s3cret-token')
    expect(received[0]!.query).toBe(`from(bucket: "replay_test")\n  |> range(start: time(v: ${SINCE}), stop: time(v: ${UNTIL}))`)
  })

  it('filters by measurement with each name as a quoted Flux string', async () => {
    answer = { status: 200, body: '' }
    received.length = 0
    const dir = tempDir()
    await exportToLogfile({ config: config(dir), server: 'cloud', measurements: ['control room "A"', 'x" or true or "'], since: SINCE, until: UNTIL, output: path.join(dir, 'f.jsonl') })
    expect(received[0]!.query).toContain('|> filter(fn: (r) => r._measurement == "control room \\"A\\"" or r._measurement == "x\\" or true or \\"")')
  })

  it('reports the server message of a failed query, without the token', async () => {
    answer = { status: 400, body: JSON.stringify({ code: 'invalid', message: 'compilation failed: bucket "replay_test" not found (token s3cret-token)' }) }
    const dir = tempDir()
    const error = await exportToLogfile({ config: config(dir), server: 'cloud', since: SINCE, until: UNTIL, output: path.join(dir, 'e.lp') }).catch((e: unknown) => e)
    expect(ExportQueryError.isInstance(error)).toBe(true)
    expect((error as ExportQueryError).status).toBe(400)
    expect((error as Error).message).toContain('bucket \\"replay_test\\" not found')
    expect((error as Error).message).not.toContain('s3cret-token')
  })

  it('names the field and time of a value that does not fit its declared type', async () => {
    const bad = fs.readFileSync(path.join(fixtures, 'flux-station.csv'), 'utf8').replace(',-12,offset_ns,', ',-12.5,offset_ns,')
    answer = { status: 200, body: bad }
    const dir = tempDir()
    const error = await exportToLogfile({ config: config(dir), server: 'cloud', since: SINCE, until: UNTIL, output: path.join(dir, 'b.lp') }).catch((e: unknown) => e)
    expect(ExportDataError.isInstance(error)).toBe(true)
    expect((error as Error).message).toMatch(/measurement "pps_offset", field "offset_ns" at 2021-04-06T01:29:09.204824064Z: integer value "-12.5" is not a whole number/)
  })

  it('stops at once when its signal aborts while the server has not answered yet', async () => {
    const dir = tempDir()
    answer = { status: 0, body: '' }
    const controller = new AbortController()
    const count = received.length
    const pending = exportToLogfile({ config: config(dir), server: 'cloud', since: SINCE, until: UNTIL, output: path.join(dir, 'hang.jsonl'), signal: controller.signal }).catch((e: unknown) => e)
    while (received.length === count) await new Promise((resolve) => setTimeout(resolve, 5))
    controller.abort()
    const error = await pending
    expect(ReplayAbortError.isInstance(error)).toBe(true)
    expect((error as Error).name).toBe('AbortError')
    expect(fs.readFileSync(path.join(dir, 'hang.jsonl'), 'utf8')).toBe('')
  })
})
