// An export against servers that echo the credential they were sent (a proxy's
// login page answering 200 with HTML, an error page quoting the Authorization
// header): a real InfluxDB does not do this on demand, so small local servers
// play them. Neither the error's message, its stack, its cause chain nor
// anything util.inspect shows may hold a secret, or the start of one a cut
// left (5 characters or more).
import path from 'node:path'
import util from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { removeTempDirs, startLocalServer, tempDir, testConfig, type LocalServer } from '../test/support.js'
import { ExportDataError, ExportQueryError } from './errors.js'
import { exportToLogfile } from './export-to-logfile.js'

const PASSWORD = 'P4ssw0rd-Very-Secret'
const TOKEN = 'T0ken-Much-Hidden-42'
const BASIC = Buffer.from(`admin:${PASSWORD}`).toString('base64')
const SECRETS = [PASSWORD, TOKEN, BASIC]

/** How the server answers: the status and the body built from the Authorization header it got. */
let answer: { status: number; body: (authorization: string) => string; contentType?: string } = { status: 200, body: () => '' }
let server: LocalServer

beforeAll(async () => {
  server = await startLocalServer((req, res) => {
    req.resume()
    req.on('end', () => {
      res.writeHead(answer.status, { 'content-type': answer.contentType ?? (answer.status === 200 ? 'text/html' : 'text/plain') })
      res.end(answer.body(req.headers.authorization ?? ''))
    })
  })
})
afterAll(async () => {
  await server.stop()
  removeTempDirs()
})

function config(dir: string) {
  return testConfig(dir, [
    { name: 'v1', url: server.url, api: 'v1', bucket: 'eht_test', extra: ['username = admin', `password = ${PASSWORD}`] },
    { name: 'v2', url: server.url, api: 'v2', bucket: 'eht_test', extra: ['org = eht', `token = ${TOKEN}`] },
  ])
}

async function exportError(name: 'v1' | 'v2'): Promise<Error> {
  const dir = tempDir()
  const error = await exportToLogfile({ config: config(dir), server: name, since: 0n, until: 10n, output: path.join(dir, 'out.lp') }).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(Error)
  return error as Error
}

/** Everything an error shows: message, stack, each cause's, and util.inspect with hidden properties. */
function everythingShown(error: Error): string {
  const parts: string[] = [util.inspect(error, { showHidden: true, depth: 10 })]
  for (let e: unknown = error; e instanceof Error; e = e.cause) parts.push(e.message, e.stack ?? '', JSON.stringify(e))
  return parts.join('\n')
}

function expectNoSecret(error: Error): void {
  const shown = everythingShown(error)
  for (const secret of SECRETS) expect(shown, `start of ${secret}`).not.toContain(secret.slice(0, 5))
}

describe('an export error never shows the credential a server echoes', () => {
  it('v1: a valid InfluxQL answer whose field type echoes the Authorization header', async () => {
    answer = {
      status: 200,
      contentType: 'application/json',
      body: (authorization) => `${JSON.stringify({ results: [{ statement_id: 0, series: [{ name: 'm', columns: ['fieldKey', 'fieldType'], values: [['f', authorization]] }] }] })}\n`,
    }
    const error = await exportError('v1')
    expect(error).toBeInstanceOf(ExportDataError)
    expect(error.message).toMatch(/unknown type "Basic \*\*\*"/)
    expectNoSecret(error)
  })

  it('v1: an answer of 200 that is not JSON (a proxy page echoing the Authorization header)', async () => {
    answer = { status: 200, body: (auth) => `<html>proxy login page. Your request had Authorization: ${auth}</html>\n` }
    const error = await exportError('v1')
    expect(ExportDataError.isInstance(error)).toBe(true)
    expect(error.message).toContain('that is not JSON: <html>proxy login page. Your request had Authorization: Basic ***</html>')
    expectNoSecret(error)
  })

  it('v1: a long answer of 200 that is not JSON, the credential across the 200 characters shown', async () => {
    for (const pad of [150, 170, 180, 190, 195]) {
      answer = { status: 200, body: (auth) => `<html>${'x'.repeat(pad)} Authorization: ${auth}</html>\n` }
      const error = await exportError('v1')
      expect(error.message).toMatch(/that is not JSON: <html>x+/)
      expectNoSecret(error)
    }
  })

  it('v1: an error body whose echoed credential lies across the 2000 characters shown, or the limit read', async () => {
    for (const pad of [0, 1952, 1960, 1975, 1990, 3960, 3980, 3995]) {
      answer = { status: 401, body: (auth) => `${'x'.repeat(pad)}you sent authorization: ${auth} and more` }
      const error = await exportError('v1')
      expect(ExportQueryError.isInstance(error)).toBe(true)
      expect((error as ExportQueryError).status).toBe(401)
      expect(error.message).toContain(pad === 0 ? 'you sent authorization: Basic *** and more' : 'xxxxxxxxxx')
      expectNoSecret(error)
    }
  })

  it('v1: an error body of many echoes, scrubbed below the limit shown, the last one cut by the limit read', async () => {
    // Each echo shrinks from 40 to 13 characters once scrubbed: 4000 characters read become about 1300 shown, and
    // the read limit goes through an echo.
    for (const shift of [0, 5, 11, 17, 23, 29]) {
      answer = { status: 401, body: (auth) => `${'y'.repeat(shift)}${` auth ${auth}`.repeat(200)}` }
      const error = await exportError('v1')
      expect(error.message).toContain(' auth Basic *** auth Basic ***')
      expect(error.message).toMatch(/\.\.\.$/)
      expectNoSecret(error)
    }
  })

  it('v2: the official client\'s HttpError (token in its message and body) goes along only as a scrubbed copy', async () => {
    answer = { status: 401, body: (auth) => JSON.stringify({ code: 'unauthorized', message: `unauthorized access: you sent authorization: ${auth}` }) }
    const error = await exportError('v2')
    expect(ExportQueryError.isInstance(error)).toBe(true)
    expect(error.message).toContain('you sent authorization: Token ***')
    const cause = error.cause as Error & { statusCode?: number; body?: string }
    expect(cause).toBeInstanceOf(Error)
    expect(cause.statusCode).toBe(401)
    expect(cause.body).toContain('you sent authorization: Token ***')
    expectNoSecret(error)
  })

  it('v2: an answer of 200 in HTML (a proxy page echoing the Authorization header), read as a table without _value', async () => {
    answer = { status: 200, body: (auth) => `<html>proxy login page, your request had Authorization: ${auth}</html>\n<p>x</p>\n` }
    const error = await exportError('v2')
    expect(ExportDataError.isInstance(error)).toBe(true)
    expect(error.message).toContain('has no _value column (columns: <html>proxy login page,  your request had Authorization: Token ***</html>)')
    expectNoSecret(error)
  })

  /** An annotated CSV answer of one row; `cells` replaces some of its cells by text holding the Authorization header. */
  function annotatedCsv(auth: string, cells: { type?: string; time?: string; value?: string }): string {
    return [
      `#datatype,string,long,dateTime:RFC3339,${cells.type ?? 'long'},string,string`,
      '#group,false,false,false,false,true,true',
      '#default,_result,,,,,',
      ',result,table,_time,_value,_field,_measurement',
      `,,0,${cells.time ?? '2021-04-06T01:29:09.204824064Z'},${cells.value ?? '3'},f,m`,
      '',
      '',
    ].join('\n')
  }

  it.each([
    ['the Authorization header in _time', { time: 'x' }, '_time "Token ***" is not an RFC 3339 time'],
    ['the Authorization header as the _value of a long', { value: 'x' }, 'integer value "Token ***" is not a whole number'],
    ['the Authorization header as the #datatype of _value', { type: 'x' }, 'unsupported type "Token ***"'],
  ] as const)('v2: an annotated CSV of 200 with %s', async (_what, which, expected) => {
    answer = {
      status: 200,
      contentType: 'text/csv; charset=utf-8',
      body: (auth) => annotatedCsv(auth, Object.fromEntries(Object.keys(which).map((k) => [k, auth]))),
    }
    const error = await exportError('v2')
    expect(ExportDataError.isInstance(error)).toBe(true)
    expect(error.message).toContain(expected)
    expectNoSecret(error)
  })
})
