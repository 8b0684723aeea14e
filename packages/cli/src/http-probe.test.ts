import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { freePort } from '@eht-influx-client/test-support'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeNetworkError, httpProbe, ProbeFailure } from './http-probe.js'

// A real HTTP server on loopback: one route answers, one never does.
let server: http.Server
let base: string
const seen: { method?: string; authorization?: string; body: string }[] = []

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString()))
    req.on('end', () => {
      seen.push({ method: req.method, authorization: req.headers.authorization, body })
      if (req.url?.startsWith('/silent')) return // never answers
      res.writeHead(req.url?.startsWith('/missing') ? 404 : 204, { 'x-influxdb-version': '1.6.7' })
      res.end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

describe('httpProbe', () => {
  it('returns status, headers and time, sending the method, headers and body given', async () => {
    const res = await httpProbe(new URL('/write?db=x', base), { method: 'POST', headers: { authorization: 'Token abc' }, body: '', timeoutMs: 5000 })
    expect(res.status).toBe(204)
    expect(res.headers['x-influxdb-version']).toBe('1.6.7')
    expect(res.ms).toBeGreaterThan(0)
    expect(seen.at(-1)).toEqual({ method: 'POST', authorization: 'Token abc', body: '' })
    expect((await httpProbe(new URL('/missing', base), { method: 'GET', timeoutMs: 5000 })).status).toBe(404)
  })

  it('gives up after the timeout with a ProbeFailure saying so', async () => {
    const probe = httpProbe(new URL('/silent', base), { method: 'GET', timeoutMs: 300 })
    await expect(probe).rejects.toBeInstanceOf(ProbeFailure)
    await expect(probe).rejects.toThrow('no answer within 0.3 s')
  })

  it('a header Node refuses to send (a token with a typographic quote) is a ProbeFailure naming the header, never its value', async () => {
    const before = seen.length
    const probe = httpProbe(new URL('/ping', base), { method: 'GET', headers: { authorization: 'Token “s3cret-tok”' }, timeoutMs: 5000 })
    await expect(probe).rejects.toBeInstanceOf(ProbeFailure)
    const error = (await probe.catch((e: unknown) => e)) as ProbeFailure
    expect(error.message).toBe('the request could not be sent: the authorization header holds a character HTTP cannot carry (check the token or password for typographic quotes such as “ ”, non-ASCII letters or control characters)')
    expect(error.message).not.toContain('s3cret')
    expect(seen.length).toBe(before)
  })

  it('says "connection refused" for a port nobody listens on', async () => {
    const port = await freePort()
    await expect(httpProbe(new URL(`http://127.0.0.1:${port}/ping`), { method: 'GET', timeoutMs: 5000 })).rejects.toThrow(/connection refused/)
  })
})

describe('describeNetworkError', () => {
  it('says when a certificate failed verification and points to ca_file', () => {
    const text = describeNetworkError(Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }))
    expect(text).toBe("self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT): TLS certificate verification failed (it is always on); if the server's certificate is signed by your own CA, set ca_file to that CA's certificate")
    expect(describeNetworkError(Object.assign(new Error('boom'), { code: 'EPIPE' }))).toBe('boom (EPIPE)')
  })
})
