// The v2 export path against RECORDED Flux answers: no InfluxDB 2 server runs on
// this machine, so a small local HTTP server plays /api/v2/query, answering with
// annotated CSV in the shape InfluxDB 2.x sends (test/fixtures/flux-station.csv)
// and recording the queries it was sent.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixtures, removeTempDirs, startLocalServer, tempDir, testConfig, type LocalServer } from '../test/support.js'
import { ExportDataError, ExportQueryError, ReplayAbortError } from './errors.js'
import { exportToLogfile } from './export-to-logfile.js'

interface Received {
  url: string
  authorization: string | undefined
  query: string
}

let server: LocalServer
let url: string
/** status 0: never answers; `then` "stall" sends the body and nothing more, "close" sends it and drops the connection. */
let answer: { status: number; body: string; then?: 'stall' | 'close' } = { status: 200, body: '' }
const received: Received[] = []

beforeAll(async () => {
  server = await startLocalServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString()))
    req.on('end', () => {
      received.push({ url: req.url ?? '', authorization: req.headers.authorization, query: (JSON.parse(body) as { query: string }).query })
      if (answer.status === 0) return // a server that never answers
      res.writeHead(answer.status, { 'content-type': answer.status === 200 ? 'text/csv; charset=utf-8' : 'application/json' })
      if (answer.then === undefined) res.end(answer.body)
      else res.write(answer.body, () => (answer.then === 'close' ? setTimeout(() => res.socket?.destroy(), 50) : undefined))
    })
  })
  url = server.url
})
afterAll(async () => {
  await server.stop()
  removeTempDirs()
})

const SINCE = 1617667200000000000n // 2021-04-06T00:00:00Z
const UNTIL = 1617753600000000000n // 2021-04-07T00:00:00Z

function config(dir: string, extra: string[] = []) {
  return testConfig(dir, [{ name: 'cloud', url, api: 'v2', extra: ['token = s3cret-token', 'org = eht', ...extra] }])
}

/** One annotated-CSV table of `_value` type `datatype`: rows of [time, value, field]. */
function table(datatype: string, rows: [string, string, string][]): string {
  return [
    '#group,false,false,true,true,false,false,true,true,true',
    `#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,${datatype},string,string,string`,
    '#default,_result,,,,,,,,',
    ',result,table,_start,_stop,_time,_value,_field,_measurement,station',
    ...rows.map(([time, value, field]) => `,,0,2021-04-06T00:00:00Z,2021-04-07T00:00:00Z,${time},${value},${field},recorder,Kp`),
    '',
    '',
  ].join('\r\n')
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

  it('keeps a string field whose value is empty (an empty cell of a string _value), and skips empty cells of other types', async () => {
    const strings = table('string', [
      ['2021-04-06T01:29:09.204824064Z', '', 'note'],
      ['2021-04-06T01:29:10.204824064Z', 'ok', 'note'],
      ['2021-04-06T01:29:11.204824064Z', '""', 'note'],
    ])
    const doubles = table('double', [
      ['2021-04-06T01:29:10.204824064Z', '', 'level'],
      ['2021-04-06T01:29:11.204824064Z', '1.5', 'level'],
    ])
    answer = { status: 200, body: strings + doubles }
    const dir = tempDir()
    const output = path.join(dir, 'empty.lp')
    const summary = await exportToLogfile({ config: config(dir), server: 'cloud', since: SINCE, until: UNTIL, output })
    expect(summary).toMatchObject({ points: 3, skipped: 0 })
    expect(fs.readFileSync(output, 'utf8')).toBe(
      ['recorder,station=Kp note="" 1617672549204824064', 'recorder,station=Kp note="ok" 1617672550204824064', 'recorder,station=Kp level=1.5,note="" 1617672551204824064', ''].join('\n'),
    )
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

  it.each<['stall' | 'close', RegExp]>([
    ['stall', /no answer within the timeout of 300 ms/],
    ['close', /the connection closed before the answer was complete/],
  ])('names the server and the query when the answer %ss part way', async (then, reason) => {
    answer = { status: 200, body: table('double', [['2021-04-06T01:29:11.204824064Z', '1.5', 'level']]), then }
    const dir = tempDir()
    const started = Date.now()
    const error = await exportToLogfile({ config: config(dir, ['timeout = 300ms']), server: 'cloud', since: SINCE, until: UNTIL, output: path.join(dir, `${then}.lp`) }).catch((e: unknown) => e)
    expect(ExportQueryError.isInstance(error)).toBe(true)
    expect((error as Error).message).toMatch(/^server "cloud" \(http:\/\/127\.0\.0\.1:\d+\) stopped answering the Flux query part way \(from\(bucket: "replay_test"\)/)
    expect((error as Error).message).toMatch(reason)
    expect(Date.now() - started).toBeLessThan(5000)
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
