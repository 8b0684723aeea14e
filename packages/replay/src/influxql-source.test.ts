// The v1 export path against faults a real InfluxDB 1.x does not produce on
// demand: an answer cut off or stalled part way, a field whose type the server
// does not list. A small local HTTP server plays /query; the normal path is
// tested against a real influxd in influxql-source.integration.test.ts.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { removeTempDirs, startLocalServer, tempDir, testConfig, type LocalServer } from '../test/support.js'
import { ExportDataError, ExportQueryError } from './errors.js'
import { exportToLogfile } from './export-to-logfile.js'

const FIELD_KEYS = '{"results":[{"statement_id":0,"series":[{"name":"m","columns":["fieldKey","fieldType"],"values":[["v","integer"]]}]}]}\n'
// m is known (SHOW FIELD KEYS names the measurements of the retention policy), but not its field v.
const NO_FIELD_KEYS = '{"results":[{"statement_id":0,"series":[{"name":"m","columns":["fieldKey","fieldType"],"values":[["w","float"]]}]}]}\n'
const ROWS = '{"results":[{"statement_id":0,"series":[{"name":"m","columns":["time","v"],"values":[[1,3]],"partial":true}],"partial":true}]}\n'

/** How the fake server answers a query: the body, and then whether it ends, stalls (sends nothing more) or drops the connection. */
type Answer = { body: string; then: 'end' | 'stall' | 'close' }
let answers: (q: string) => Answer
const received: string[] = []
let server: LocalServer
let url: string

beforeAll(async () => {
  server = await startLocalServer((req, res) => {
    const q = new URL(req.url ?? '', 'http://x').searchParams.get('q') ?? ''
    received.push(q)
    const { body, then } = answers(q)
    res.writeHead(200, { 'content-type': 'application/json' })
    if (then === 'end') return void res.end(body)
    res.write(body, () => (then === 'close' ? setTimeout(() => res.socket?.destroy(), 50) : undefined))
  })
  url = server.url
})
afterAll(async () => {
  await server.stop()
  removeTempDirs()
})

async function exportError(dir: string, bucket = 'x_test'): Promise<unknown> {
  const config = testConfig(dir, [{ name: 's', url, api: 'v1', bucket, extra: ['timeout = 300ms'] }])
  return exportToLogfile({ config, server: 's', since: 0n, until: 10n, output: path.join(dir, 'out.lp') }).catch((e: unknown) => e)
}

describe('exportToLogfile from a v1 server that fails part way', () => {
  it.each<['stall' | 'close', string, RegExp]>([
    ['stall', 'SHOW FIELD KEYS', /no answer within the timeout of 300 ms/],
    ['close', 'SHOW FIELD KEYS', /the connection closed before the answer was complete/],
    ['stall', 'SELECT', /no answer within the timeout of 300 ms/],
    ['close', 'SELECT', /the connection closed before the answer was complete/],
  ])('names the server, the query and the cause when the answer %ss part way (%s)', async (then, failing, reason) => {
    answers = (q) => {
      const body = q.startsWith('SHOW FIELD KEYS') ? FIELD_KEYS : ROWS
      return { body, then: q.startsWith(failing) ? then : 'end' }
    }
    const dir = tempDir()
    const started = Date.now()
    const error = await exportError(dir)
    expect(ExportQueryError.isInstance(error)).toBe(true)
    expect((error as ExportQueryError).server).toBe('s')
    const query = failing === 'SELECT' ? 'SELECT \\* FROM "m" WHERE time >= 0 AND time < 10 GROUP BY \\*' : failing
    expect((error as Error).message).toMatch(new RegExp(`^server "s" \\(http://127\\.0\\.0\\.1:\\d+\\) stopped answering the query ${query} part way: `))
    expect((error as Error).message).toMatch(reason)
    expect(Date.now() - started).toBeLessThan(5000)
    expect(fs.readFileSync(path.join(dir, 'out.lp'), 'utf8')).toBe('')
  })
})

describe('exportToLogfile from a v1 server that lists no type for a numeric field', () => {
  it('asks for the field types again, then stops with an error naming the field instead of guessing float', async () => {
    answers = (q) => ({ body: q.startsWith('SHOW FIELD KEYS') ? NO_FIELD_KEYS : ROWS, then: 'end' })
    received.length = 0
    const dir = tempDir()
    const error = await exportError(dir, 'x_test/other')
    expect(ExportDataError.isInstance(error)).toBe(true)
    expect((error as Error).message).toMatch(/^server "s" \(http:\/\/127\.0\.0\.1:\d+\): measurement "m", field "v" at 1: SHOW FIELD KEYS FROM "other"\.\/\.\*\/ gives no type for this field, so its value 3 cannot be told integer or float/)
    expect(received.filter((q) => q.startsWith('SHOW FIELD KEYS'))).toEqual(['SHOW FIELD KEYS FROM "other"./.*/', 'SHOW FIELD KEYS FROM "other"./.*/'])
    expect(fs.readFileSync(path.join(dir, 'out.lp'), 'utf8')).toBe('')
  })

  it('takes a field written after the types were read, once it reads them again', async () => {
    let typesAsked = 0
    answers = (q) => {
      if (q.startsWith('SHOW FIELD KEYS')) typesAsked++
      return { body: q.startsWith('SHOW FIELD KEYS') ? (typesAsked === 1 ? NO_FIELD_KEYS : FIELD_KEYS) : ROWS, then: 'end' }
    }
    const dir = tempDir()
    const config = testConfig(dir, [{ name: 's', url, api: 'v1', bucket: 'x_test' }])
    const summary = await exportToLogfile({ config, server: 's', since: 0n, until: 10n, output: path.join(dir, 'late.lp') })
    expect(summary.points).toBe(1)
    expect(fs.readFileSync(path.join(dir, 'late.lp'), 'utf8')).toBe('m v=3i 1\n')
  })
})
