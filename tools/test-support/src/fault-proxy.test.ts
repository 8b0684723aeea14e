import http from 'node:http'
import zlib from 'node:zlib'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startFaultProxy, type FaultProxy } from './fault-proxy.js'

// The upstream is a plain HTTP server that stores what it receives, so the
// proxy's counts can be checked against what really arrived behind it.
let upstream: http.Server
let upstreamUrl: string
const received: string[] = []
let proxy: FaultProxy

function post(url: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers, agent: false }, (res) => {
      let text = ''
      res.on('data', (c: Buffer) => (text += c.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      received.push((req.headers['content-encoding'] === 'gzip' ? zlib.gunzipSync(body) : body).toString())
      res.writeHead(204, { 'x-upstream': 'yes' })
      res.end()
    })
  })
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve))
  const address = upstream.address() as { port: number }
  upstreamUrl = `http://127.0.0.1:${address.port}`
  proxy = await startFaultProxy({ target: upstreamUrl })
})

afterAll(async () => {
  await proxy?.stop()
  await new Promise<void>((resolve) => upstream.close(() => resolve()))
})

beforeEach(() => {
  received.length = 0
})

describe('startFaultProxy', () => {
  it('passes requests through and counts the accepted lines of gzip bodies', async () => {
    proxy.setScript({ kind: 'pass' })
    const before = proxy.stats()
    const res = await post(`${proxy.url}/write?db=x`, zlib.gzipSync('a v=1 1\nb v=2 2\n'), { 'content-encoding': 'gzip' })
    expect(res.status).toBe(204)
    expect(res.headers['x-upstream']).toBe('yes')
    expect(received).toEqual(['a v=1 1\nb v=2 2\n'])
    const after = proxy.stats()
    expect(after.accepted - before.accepted).toBe(1)
    expect(after.acceptedLines - before.acceptedLines).toBe(2)
    expect(proxy.acceptedBodies.at(-1)).toBe('a v=1 1\nb v=2 2\n')
  })

  it('plays a list of actions one per request, then passes', async () => {
    proxy.setScript([
      { kind: 'status', status: 429, headers: { 'retry-after': '3' } },
      { kind: 'status', status: 500 },
    ])
    const first = await post(proxy.url, 'x v=1 1')
    const second = await post(proxy.url, 'x v=1 1')
    const third = await post(proxy.url, 'x v=1 1')
    expect([first.status, second.status, third.status]).toEqual([429, 500, 204])
    expect(first.headers['retry-after']).toBe('3')
    expect(received).toHaveLength(1)
  })

  it('answers 413 only for bodies above the limit', async () => {
    proxy.setScript({ kind: 'limit', maxBytes: 10 })
    expect((await post(proxy.url, 'short')).status).toBe(204)
    expect((await post(proxy.url, 'x'.repeat(11))).status).toBe(413)
    expect(received).toEqual(['short'])
  })

  it('resets before forwarding (nothing arrives) and after forwarding (the body arrived)', async () => {
    proxy.setScript({ kind: 'reset', when: 'before' })
    await expect(post(proxy.url, 'lost v=1 1')).rejects.toThrow(/socket hang up|ECONNRESET/)
    expect(received).toEqual([])
    proxy.setScript({ kind: 'reset', when: 'after' })
    await expect(post(proxy.url, 'kept v=1 1')).rejects.toThrow(/socket hang up|ECONNRESET/)
    expect(received).toEqual(['kept v=1 1'])
  })

  it('delays, and a blackhole never answers', async () => {
    proxy.setScript({ kind: 'delay', ms: 300 })
    const started = Date.now()
    expect((await post(proxy.url, 'slow v=1 1')).status).toBe(204)
    expect(Date.now() - started).toBeGreaterThanOrEqual(290)

    proxy.setScript({ kind: 'blackhole' })
    const outcome = await Promise.race([
      post(proxy.url, 'void v=1 1').then(() => 'answered'),
      new Promise((resolve) => setTimeout(() => resolve('silent'), 500)),
    ])
    expect(outcome).toBe('silent')
    expect(received).toEqual(['slow v=1 1'])
  })

  it('counts as acknowledged only what the server accepted AND the client was told', async () => {
    proxy.setScript([{ kind: 'reset', when: 'after' }, { kind: 'status', status: 429, headers: { 'Retry-After': '2' } }, { kind: 'pass' }])
    const before = proxy.stats()
    await expect(post(proxy.url, 'a v=1 1\nb v=1 2\n')).rejects.toThrow(/socket hang up|ECONNRESET/)
    expect((await post(proxy.url, 'a v=1 1\nb v=1 2\n')).status).toBe(429)
    expect((await post(proxy.url, 'a v=1 1\nb v=1 2\n')).status).toBe(204)
    const after = proxy.stats()
    expect(after.acceptedLines - before.acceptedLines).toBe(4)
    expect(after.acknowledged - before.acknowledged).toBe(1)
    expect(after.acknowledgedLines - before.acknowledgedLines).toBe(2)
    expect(proxy.acknowledgedBodies.at(-1)).toBe('a v=1 1\nb v=1 2\n')
    const [reset, limited, passed] = proxy.log.slice(-3)
    expect([reset?.status, reset?.upstreamStatus, reset?.acknowledged]).toEqual([undefined, 204, undefined])
    expect([limited?.status, limited?.retryAfter]).toEqual([429, '2'])
    expect([passed?.status, passed?.acknowledged]).toEqual([204, true])
    // The same body has the same hash; arrival times are monotonic.
    expect(new Set([reset?.bodyHash, limited?.bodyHash, passed?.bodyHash]).size).toBe(1)
    expect(reset!.at).toBeLessThanOrEqual(limited!.at)
    expect(limited!.at).toBeLessThanOrEqual(passed!.at)
  })

  it('does not count as acknowledged an answer to a client that gave up waiting', async () => {
    proxy.setScript({ kind: 'delay', ms: 300 })
    const before = proxy.stats()
    await expect(
      new Promise((resolve, reject) => {
        const req = http.request(proxy.url, { method: 'POST', agent: false, timeout: 100 }, resolve)
        req.on('timeout', () => req.destroy(new Error('client timeout')))
        req.on('error', reject)
        req.end('late v=1 1')
      }),
    ).rejects.toThrow('client timeout')
    await new Promise((resolve) => setTimeout(resolve, 400))
    expect(proxy.stats().acknowledged - before.acknowledged).toBe(0)
    expect(received).toEqual([])
  })

  it('lets a function choose per request and logs each one', async () => {
    proxy.setScript((req) => (req.text.includes('bad') ? { kind: 'status', status: 400, body: '{"error":"bad line"}' } : { kind: 'pass' }))
    expect((await post(proxy.url, 'bad v=1 1')).status).toBe(400)
    expect((await post(proxy.url, 'good v=1 1')).status).toBe(204)
    const last = proxy.log.slice(-2)
    expect(last.map((e) => e.action)).toEqual(['status', 'pass'])
    expect(last[1]?.upstreamStatus).toBe(204)
  })

  it('is quiet only once a dead client\'s last request has reached the server, or a body cut short is dropped', async () => {
    // An upstream that takes 400 ms to answer: the client is gone long before.
    const slow = http.createServer((req, res) => {
      req.resume()
      req.on('end', () => setTimeout(() => res.writeHead(204).end(), 400))
    })
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve))
    const slowProxy = await startFaultProxy({ target: `http://127.0.0.1:${(slow.address() as { port: number }).port}` })
    try {
      // A whole body sent, then the client killed (its socket destroyed).
      const req = http.request(slowProxy.url, { method: 'POST', agent: false })
      req.on('error', () => {})
      req.end('dead v=1 1\ndead v=2 2\n', () => setTimeout(() => req.destroy(), 20))
      while (slowProxy.stats().inFlight === 0) await new Promise((resolve) => setTimeout(resolve, 5))
      await new Promise((resolve) => setTimeout(resolve, 100))
      expect(slowProxy.stats()).toMatchObject({ inFlight: 1, acceptedLines: 0 })
      await slowProxy.quiet(50)
      expect(slowProxy.stats()).toMatchObject({ inFlight: 0, acceptedLines: 2 })

      // A body cut short: announced as longer than what arrives, then the connection dropped.
      const cut = http.request(slowProxy.url, { method: 'POST', agent: false, headers: { 'content-length': '1000' } })
      cut.on('error', () => {})
      cut.write('cut v=1 1\n')
      while (slowProxy.stats().inFlight === 0) await new Promise((resolve) => setTimeout(resolve, 5))
      cut.destroy()
      await slowProxy.quiet(50, 5000)
      expect(slowProxy.stats()).toMatchObject({ inFlight: 0, requests: 1, acceptedLines: 2 })

      // Quiet for long already: it still waits quietMs from the call, for bytes a dead client left on their way.
      await new Promise((resolve) => setTimeout(resolve, 100))
      const called = performance.now()
      await slowProxy.quiet(80)
      expect(performance.now() - called).toBeGreaterThanOrEqual(79)

      // A request held for longer than the timeout: quiet() says so.
      slowProxy.setScript({ kind: 'delay', ms: 2000 })
      const held = post(slowProxy.url, 'held v=1 1').catch(() => undefined)
      while (slowProxy.stats().inFlight === 0) await new Promise((resolve) => setTimeout(resolve, 5))
      await expect(slowProxy.quiet(50, 300)).rejects.toThrow('still 1 request(s) in flight after 300 ms')
      await held
    } finally {
      await slowProxy.stop()
      await new Promise<void>((resolve) => slow.close(() => resolve()))
    }
  })
})
