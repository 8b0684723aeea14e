import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { HttpError } from '@influxdata/influxdb-client'
import type { ServerConfig } from '@eht-influx-client/config'
import { classify, createHttpSender, serverMessage, writePath } from './http-sender.js'
import { makeConfig, tempDir } from '../test/helpers.js'

const server = (api: 'v1' | 'v2', bucket: string) => ({ api, bucket, org: 'eht org' }) as ServerConfig

describe('writePath', () => {
  it('v2: /api/v2/write with org, bucket and ns precision', () => {
    expect(writePath(server('v2', 'eht_test'))).toBe('/api/v2/write?org=eht+org&bucket=eht_test&precision=ns')
  })
  it('v1: /write with db, rp when given as db/rp, and ns precision', () => {
    expect(writePath(server('v1', 'eht_test'))).toBe('/write?db=eht_test&precision=ns')
    expect(writePath(server('v1', 'eht_test/one week'))).toBe('/write?db=eht_test&rp=one+week&precision=ns')
  })
})

describe('classify', () => {
  const http = (status: number, body = '', headers: Record<string, string> = {}) => new HttpError(status, 'Status', body, headers['retry-after'], 'application/json', undefined, headers)

  it('retries 429 and 5xx with the Retry-After in seconds', () => {
    expect(classify(http(429, '', { 'retry-after': '7' }), false, 1000)).toMatchObject({ kind: 'retry', status: 429, retryAfterMs: 7000 })
    expect(classify(http(503), false, 1000)).toMatchObject({ kind: 'retry', status: 503 })
    expect(classify(http(503), false, 1000)).not.toHaveProperty('retryAfterMs')
  })

  it('a Retry-After that is neither seconds nor an HTTP-date: the normal backoff, and the retry says why', () => {
    const outcome = classify(http(503, '', { 'retry-after': 'soon 2030' }), false, 1000)
    expect(outcome).not.toHaveProperty('retryAfterMs')
    expect(outcome).toMatchObject({ kind: 'retry', status: 503, message: 'HTTP 503 Status (Retry-After "soon 2030" ignored: neither seconds nor an HTTP-date in GMT; the normal backoff is used)' })
  })

  it('413 splits, 400/422 are bad points with the server message, other 4xx refuse us', () => {
    expect(classify(http(413), false, 1000).kind).toBe('too-large')
    expect(classify(http(400, '{"error":"partial write: field type conflict dropped=1"}'), false, 1000)).toEqual({ kind: 'bad-points', status: 400, message: 'HTTP 400 Status: partial write: field type conflict dropped=1' })
    expect(classify(http(422, '{"code":"x","message":"beyond retention"}'), false, 1000)).toMatchObject({ kind: 'bad-points', message: 'HTTP 422 Status: beyond retention' })
    expect(classify(http(401), false, 1000).kind).toBe('refused')
    expect(classify(http(404, 'database not found'), false, 1000)).toMatchObject({ kind: 'refused', message: 'HTTP 404 Status: database not found' })
  })

  it('a 500 of an InfluxDB that crashed on the points (a recovered panic) is bad points, bisected; its other 500s and a 503 are retried', () => {
    const influxd = { 'x-influxdb-version': '1.6.7~rc0' }
    // What InfluxDB 1.6.7 answers when it panics parsing a point (Go's http.Error after recover()).
    const panic = classify(http(500, 'Internal Server Error\n', influxd), false, 1000)
    expect(panic).toMatchObject({ kind: 'bad-points', status: 500, message: expect.stringMatching(/^HTTP 500 Status: Internal Server Error \(the server crashed on this request .*not retried/) })
    expect(classify(http(500, '{"error":"[panic:runtime error: index out of range [100] with length 100]"}'), false, 1000)).toMatchObject({ kind: 'bad-points', status: 500 })
    // Its own errors carry X-Influxdb-Error (a timeout, a full cache): an outage, retried.
    expect(classify(http(500, '{"error":"timeout"}', { ...influxd, 'x-influxdb-error': 'timeout' }), false, 1000)).toMatchObject({ kind: 'retry', status: 500 })
    // A proxy's or another server's plain 500, and 503: retried as before.
    expect(classify(http(500, 'Internal Server Error'), false, 1000)).toMatchObject({ kind: 'retry', status: 500 })
    expect(classify(http(503, 'Internal Server Error', influxd), false, 1000)).toMatchObject({ kind: 'retry', status: 503 })
  })

  it("InfluxDB 1.x's 500 for a retention policy that does not exist refuses us (kept, not retried)", () => {
    const rp = http(500, '{"error":"retention policy not found: one_week"}', { 'x-influxdb-version': '1.6.7~rc0', 'x-influxdb-error': 'retention policy not found: one_week' })
    expect(classify(rp, false, 1000)).toEqual({ kind: 'refused', status: 500, message: 'HTTP 500 Status: retention policy not found: one_week' })
  })

  it('retries network errors and timeouts, naming them', () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })
    expect(classify(reset, false, 1000)).toEqual({ kind: 'retry', message: 'network error: ECONNRESET: socket hang up' })
    expect(classify(new Error('aborted'), true, 2500)).toEqual({ kind: 'retry', message: 'no answer within the timeout of 2500 ms' })
  })

  it('says when the server certificate failed verification, and how to trust a private CA', () => {
    for (const code of ['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID']) {
      const outcome = classify(Object.assign(new Error('certificate problem'), { code }), false, 1000)
      expect(outcome).toMatchObject({ kind: 'retry', message: expect.stringContaining(`network error: ${code}: certificate problem; TLS certificate verification failed`) })
      expect(outcome.kind === 'retry' && outcome.message).toContain('set ca_file')
    }
    expect(classify(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), false, 1000)).toMatchObject({ message: expect.not.stringContaining('ca_file') })
  })
})

describe('createHttpSender: the body goes out byte for byte, whatever holds it', () => {
  it('a string, a Buffer that is the whole of its ArrayBuffer (sent without a copy), part of a larger one, and one cut from resizable memory', async () => {
    const received: { bytes: Buffer; length: string | undefined }[] = []
    const server = http.createServer((req, res) => {
      const parts: Buffer[] = []
      req.on('data', (part: Buffer) => parts.push(part))
      req.on('end', () => {
        received.push({ bytes: Buffer.concat(parts), length: req.headers['content-length'] })
        res.statusCode = 204
        res.end()
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const config = makeConfig(tempDir(), { servers: [{ name: 'local', url, api: 'v1', keys: { gzip: 'false' } }] })
    const sender = createHttpSender(config.servers[0]!)
    try {
      const text = Array.from({ length: 300 }, (_, i) => `m,s=é v=${i}i ${1617672549000000000n + BigInt(i)}`).join('\n')
      const whole = Buffer.from(text) // (over 4 KiB: an ArrayBuffer of its own)
      const larger = Buffer.from(`#${text}#`)
      const part = larger.subarray(1, larger.length - 1)
      const memory = new (ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer & { resize(n: number): void })(whole.length + 100, { maxByteLength: 1 << 20 })
      Buffer.from(memory).fill(0x23)
      whole.copy(Buffer.from(memory))
      memory.resize(whole.length)
      const cut = Buffer.from(memory)
      expect([whole.byteLength === whole.buffer.byteLength, part.byteLength === part.buffer.byteLength, cut.byteLength === cut.buffer.byteLength]).toEqual([true, false, true])
      for (const body of [text, whole, part, cut]) expect(await sender.send(body)).toEqual({ kind: 'ok' })
      expect(received.map((r) => r.bytes.equals(whole))).toEqual([true, true, true, true])
      expect(received.map((r) => r.length)).toEqual(Array(4).fill(String(whole.length)))
    } finally {
      sender.close()
      await new Promise((resolve) => server.close(resolve))
    }
  })
})

describe('createHttpSender: a server that echoes the token', () => {
  it('never leaks part of it, wherever the 500-character cut of its message falls', async () => {
    const token = 'tok-0123456789abcdefghijklmnopqrstuvwxyz'
    let pad = 0
    const server = http.createServer((req, res) => {
      req.resume()
      req.on('end', () => {
        res.statusCode = 400
        res.setHeader('content-type', 'application/json')
        res.end(JSON.stringify({ message: `${'x'.repeat(pad)} rejected ${token} ${'y'.repeat(600)}` }))
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const config = makeConfig(tempDir(), { servers: [{ name: 'cloud', url, api: 'v2', keys: { token, gzip: 'false' } }] })
    const sender = createHttpSender(config.servers[0]!)
    try {
      // The token starts at pad + 10; cuts through it (the message keeps 497 characters) and around it.
      for (pad of [400, 460, 470, 480, 484, 486, 490, 500]) {
        const outcome = await sender.send('m v=1 1')
        expect(outcome.kind).toBe('bad-points')
        const message = outcome.kind === 'bad-points' ? outcome.message : ''
        expect(message.length).toBeLessThanOrEqual(530)
        for (let n = 3; n <= token.length; n++) expect(message, `pad ${pad}: part of the token (${n} characters)`).not.toContain(token.slice(0, n))
      }
    } finally {
      sender.close()
      await new Promise((resolve) => server.close(resolve))
    }
  })

  it('serverMessage scrubs before it cuts', () => {
    const secret = 'abcdefghijklmnopqrstuvwxyz0123456789'
    const error = new HttpError(401, 'Unauthorized', `${'x'.repeat(480)}${secret}`)
    const message = serverMessage(error, [secret])
    expect(message).toBe(`HTTP 401 Unauthorized: ${'x'.repeat(480)}***`)
  })

  it('serverMessage scrubs a secret with runs of whitespace, as sent and as a server collapsed it', () => {
    const secret = 'hunter  22\tsecret'
    const scrubbed = (body: string) => serverMessage(new HttpError(401, 'Unauthorized', body), [secret])
    expect(scrubbed('bad password: hunter  22\tsecret')).toBe('HTTP 401 Unauthorized: bad password: ***')
    expect(scrubbed('{"message":"bad password:\\n hunter 22 secret"}')).toBe('HTTP 401 Unauthorized: bad password: ***')
    // The 500-character cut goes through the collapsed form (the server cut it itself): no beginning of it is left.
    const long = scrubbed(`${'x'.repeat(487)} hunter 22 s${'y'.repeat(20)}`)
    expect(long).toBe(`HTTP 401 Unauthorized: ${'x'.repeat(487)} ...`)
    for (const text of [scrubbed('bad password: hunter  22\tsecret'), long]) expect(text).not.toMatch(/hunter|22|secret/)
  })
})
